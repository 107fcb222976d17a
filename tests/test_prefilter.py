"""The reader's prefilter (reader/prefilter.py): a guarded pattern answers exactly as the pattern does."""

from __future__ import annotations

import _sre
import re
from re import _casefix  # type: ignore[attr-defined]

import pytest

from intake_bot.reader import prefilter
from intake_bot.reader.lexicon import (
    LABEL_FIELDS,
    LEXICON,
    WORD_KINDS,
    _casings,
    compile_terms,
    or_words,
    term_literals,
)
from intake_bot.reader.prefilter import fold, guard, required


def test_folding_is_the_engines_ignorecase():
    """Two characters IGNORECASE takes for one another fold alike; every character folds to one."""
    codes = [code for code in range(0x110000) if not 0xD800 <= code < 0xE000]
    text = "".join(map(chr, codes))
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded == fold("".join(chr(_sre.unicode_tolower(code)) for code in codes))
    for lower, others in _casefix._EXTRA_CASES.items():
        assert {fold(chr(code)) for code in (lower, *others)} == {fold(chr(lower))}
    assert fold("İSTANBUL ſecurity Straße") == "istanbul security straße"


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        (r"emergenc|incident|on-?call|24\s*[x/*]\s*7", {"emergenc", "incident", "oncall", "on-call", "24"}),
        (
            r"(added to|approve you for) (my |his )?(allowed|safe)[- ]?(list|senders)",
            {"added to", "approve you for"},
        ),
        (r"\bsite\b", {"site"}),
        (r"foo(?:bar|baz)?qux", {"fooqux", "foobarqux", "foobazqux"}),
        (r"\w+@", {"@"}),
        (r"security\s+(?:contact|issues?)", {"security"}),
        (r"a*", None),  # matches the empty string: no guard
        (r"\d+|x", None),  # one branch has no literal
    ],
)
def test_required_literals(pattern, literals):
    found = required(re.compile(pattern, re.I))
    assert (found and found.anywhere) == (None if literals is None else frozenset(literals))


TEXTS = [
    "Our emergency contact is the SOC: soc@acme.example, +44 20 7946 0000.",
    "EMERGENCY CONTACT: ſoc team, 24/7",
    "Wir möchten als Certificate Issuer Mitglied werden; Notfallkontakt: Herr Öztürk.",
    "紧急联系人：王伟，电话 010-1234-5678",
    "İSTANBUL'daki ekibimiz acil durumlar için 7/24 ulaşılabilir.",
    "The voting representative will be Jane Doe (jane@acme.example).",
    "Nothing here names any of those words at all.",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_a_guarded_pattern_answers_as_the_pattern(text):
    patterns = [LEXICON.word(kind) for kind in WORD_KINDS] + [LEXICON.label(field) for field in LABEL_FIELDS]
    patterns += [LEXICON.any_label, LEXICON.any_category, *(pattern for pattern, _ in LEXICON.categories)]
    emergency = or_words("emergency", re.compile(r"emergenc|incident|24\s*[x/*]\s*7", re.I))
    long_text = text + " filler" * (
        prefilter.SHORT_TEXT // 7
    )  # past SHORT_TEXT: looked for literal by literal
    for pattern, samples in [(p, (text, text.upper())) for p in patterns] + [
        (emergency, (text, long_text, text.upper())),
        (LEXICON.any_category, (long_text,)),
    ]:
        for sample in samples:
            assert [m.span() for m in pattern.finditer(sample)] == [
                m.span() for m in pattern.compiled.finditer(sample)
            ]
            found, expected = pattern.search(sample, 3), pattern.compiled.search(sample, 3)
            assert (found and found.span()) == (expected and expected.span())


def test_every_term_passes_its_guard_in_every_casing():
    """The literals come from the lexicon's terms (not from the compiled pattern): each term, in each
    casing its pattern matches, must contain one of them."""
    for kinds, sources, literal_sets, terms_of in (
        (WORD_KINDS, LEXICON.word_sources, LEXICON.word_literals, None),
        (LABEL_FIELDS, LEXICON.label_sources, LEXICON.label_literals, LEXICON.label_terms),
    ):
        for kind in kinds:
            guarded = guard(sources[kind], literals=literal_sets[kind])
            terms = terms_of[kind] if terms_of else _word_terms(kind)
            for term in terms:
                core = " ".join(term.strip("*").split())
                for casing in _casings(core) if core else ():
                    sample = f"({casing}) "
                    assert guarded.may_match(sample), (kind, casing)


def _word_terms(kind: str) -> list[str]:
    import tomllib
    from pathlib import Path

    from intake_bot.reader.lexicon import load, with_variants

    terms: list[str] = []
    for path in sorted(Path(load.__code__.co_filename).parent.glob("*.toml")):
        terms += with_variants(tomllib.loads(path.read_text("utf-8")).get("words", {}).get(kind, []))
    return terms


def test_term_literals_are_folded_words():
    literals = term_literals(
        ["Mitgliedskategorie", "*kategorie", "emergency contact", "会員区分", "sign in with your"]
    )
    assert literals.at_words == {"mitgliedskategorie", "emergency", "sign"}  # where a word of the text begins
    assert literals.anywhere == {"kategorie", "会員区分"}
    assert literals.companions["emergency"] == {("contact",)}  # the term's other words come with it
    assert term_literals(["sign in with your"], common=frozenset({"with"})).at_words == {"sign"}
    assert "strasse" in term_literals(["Straße"]).at_words  # its upper case is STRASSE


def test_a_literal_counts_only_with_its_companions():
    guarded = compile_terms(["email service"])
    assert not guarded.may_match("our services are listed below")
    assert guarded.may_match("an e-mail and email service")
    assert guarded.search("our Email  Service").group(0) == "Email  Service"


def test_texts_are_forgotten_between_messages():
    LEXICON.word("voting").search("a short text")
    assert prefilter._PROBES
    prefilter.forget()
    assert not prefilter._PROBES
