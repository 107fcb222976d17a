"""The words applicants write, in every language we read, kept as data: one TOML table per language.

Each file (en.toml, de.toml, ...) has the same sections:
  [labels]      field -> what a "Label:" for it says (category, organization, website, representatives,
                emergency, audit, certificates, ipr)
  [categories]  category -> its name (and usual translations)
  [words]       voting, non_voting, representative, emergency, website, organization, join (intent to
                become a member), on_behalf (the words before the organisation a sender writes for:
                'on behalf of', 'en nombre de la', 'w imieniu'), joining_as (the words around "as a <category>"), asking (a question),
                myself (the sender means themself), change (a later change of mind), negation
                (right before a category name: not that one), negation_after (the same, written after it),
                common (frequent little words: is the mail written in a language we read at all?),
                describes_issuer / describes_consumer (what a Certificate Issuer / Consumer does, for a
                category described rather than named: a phrase that says it alone), issuing / validating
                (the acts of each, said of certificates or signatures: certificates, signatures), by_others
                (what others do: 'issued by', 'trusted by'), not_yet (what is planned is not described),
                invitation (an invitation to an event: its writer is not applying), credentials (a request
                for the reader's password or log-in: phishing), offering / booking / referral (a vendor's
                pitch: 'we help', a call to book, 'recommend us': one is common, two are a pitch),
                card (an attached contact card, vCard),
                sign_off (a closing line: 'Kind regards', 'Mit freundlichen Grüßen'), greeting ('Dear')
  [reply]       how mail programs introduce the message a reply quotes: attribution (pairs of the
                words that open and end 'On <date>, <name> wrote:'), original ('-----Original
                Message-----'), forwarded ('---------- Forwarded message ---------'), from and fields
                (the labels of a quoted header block: 'From:', then 'Sent:', 'To:', 'Subject:')

A term matches as a whole word, however capitalised (as written, lower, UPPER, Capitalised, Title); "*" at its start or end leaves that side open
("*kategorie" also matches "Mitgliedskategorie"); a space matches any run of white space. Scripts
written without spaces between words (Chinese, Japanese) match anywhere. Everything is compiled
once, at import: a new language is a new file.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...records import Category
from ..prefilter import Guarded, Literals, fold, guard, required

_HERE = Path(__file__).parent
# Han, kana, Hangul (syllables and jamo), full-width forms: no reliable word boundaries to look for.
_UNSPACED = re.compile(
    r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]"
)

LABEL_FIELDS = (
    "category",
    "organization",
    "website",
    "representatives",
    "emergency",
    "audit",
    "certificates",
    "ipr",
)
WORD_KINDS = (
    "voting",
    "non_voting",
    "representative",
    "emergency",
    "website",
    "organization",
    "on_behalf",
    "join",
    "joining_as",
    "asking",
    "myself",
    "change",
    "negation",
    "negation_after",
    "common",
    "describes_issuer",
    "describes_consumer",
    "issuing",
    "validating",
    "certificates",
    "signatures",
    "by_others",
    "not_yet",
    "invitation",
    "credentials",
    "offering",
    "booking",
    "referral",
    "card",
    "sign_off",
    "greeting",
)
REPLY_KINDS = ("attribution", "original", "forwarded", "from", "fields")


def unspaced(text: str) -> bool:
    """Whether the text is in a script written without spaces between words (no word boundaries)."""
    return bool(_UNSPACED.search(text))


def compile_terms(terms: Iterable[str], common: frozenset[str] | None = None) -> Guarded:
    listed = list(terms)
    return guard(
        terms_pattern(listed), literals=term_literals(listed, LEXICON.common if common is None else common)
    )


def term_literals(terms: Iterable[str], common: frozenset[str] = frozenset()) -> Literals:
    """What every match of terms_pattern(terms) contains (prefilter.py): a word of the term, its
    longest not among the lexicon's common words, in each casing the pattern lists, folded (a space
    matches any white space: a word does not), with the term's other words as its companions. The
    word begins a word of the text unless it is the first of a term open at its start ('*kategorie')
    or in a script without spaces."""
    anywhere: set[str] = set()
    at_words: set[str] = set()
    companions: dict[str, set[tuple[str, ...]]] = {}
    for term in terms:
        core = " ".join(term.strip("*").split())
        bounded = not term.startswith("*") and not _UNSPACED.search(core)
        for casing in _casings(core) if core else ():
            words = [fold(word) for word in casing.split(" ")]
            chosen = max(range(len(words)), key=lambda index: (words[index] not in common, len(words[index])))
            word = words[chosen]
            starts_a_word = (bounded or chosen > 0) and _WORD_START.match(word) and "\u0345" not in casing
            (at_words if starts_a_word else anywhere).add(word)
            others = tuple(sorted({other for index, other in enumerate(words) if index != chosen} - {word}))
            companions.setdefault(word, set()).add(others)
    return Literals(
        frozenset(anywhere), frozenset(at_words), {word: frozenset(sets) for word, sets in companions.items()}
    )


_WORD_START = re.compile(r"\w")


def terms_pattern(terms: Iterable[str]) -> str:
    """Every term as one pattern (its text). Terms are grouped by the boundaries they need and each group is one
    trie (shared beginnings written once), so that matching picks a branch by the next character
    instead of trying hundreds of terms at every position of every message."""
    groups: dict[tuple[bool, bool], set[str]] = {}
    for term in terms:
        core = " ".join(term.strip("*").split())
        if not core:
            continue
        unspaced = bool(_UNSPACED.search(core))
        start = not term.startswith("*") and not unspaced
        end = not term.endswith("*") and not unspaced
        groups.setdefault((start, end), set()).update(_casings(core))
    if not groups:
        return r"(?!)"
    tries = [(start, end, _trie(words)) for (start, end), words in sorted(groups.items())]
    # One branch per first character, the groups in their order below it: the pattern begins with a
    # plain choice of characters, so the engine skips ahead to them (a choice of groups first it cannot:
    # joined group after group, no pattern of the lexicon had that skip). The start boundary is checked
    # after the first character ('k(?<!\w.)...', not '(?<!\w)k...') for the same reason.
    branches = []
    for first in sorted({char for _, _, trie in tries for char in trie}):
        rests = [
            (r"(?<!\w.)" if start else "") + _node_regex(trie[first]) + (r"(?!\w)" if end else "")
            for start, end, trie in tries
            if first in trie
        ]
        branches.append(re.escape(first) + (rests[0] if len(rests) == 1 else "(?:" + "|".join(rests) + ")"))
    return "|".join(branches)


def _casings(term: str) -> set[str]:
    """The ways a term is capitalised in mail (as written, lower, UPPER, Capitalised, Title Case).
    Listing them is much faster than matching case-insensitively, which keeps Python's engine from
    skipping ahead to the characters a term can begin with."""
    lower = term.lower()
    return {
        term,
        lower,
        term.upper(),
        lower[:1].upper() + lower[1:],
        term[:1].upper() + term[1:],
        lower.title(),
    }


Trie = dict[str, "Trie"]  # character -> the rest of the words; "" marks where a word ends


def _trie(words: set[str]) -> Trie:
    trie: Trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here
    return trie


def _node_regex(node: Trie) -> str:
    branches = []
    for char, child in sorted(node.items()):
        if not char:
            continue
        run = [char]
        while len(child) == 1 and "" not in child:  # a word's letters below its last shared one: no recursion
            ((char, child),) = child.items()
            run.append(char)
        branches.append(_escape("".join(run)) + _node_regex(child))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body  # longer words first: the engine backtracks to shorter


def _escape(letters: str) -> str:
    return re.escape(letters).replace("\\ ", r"\s+")  # a space matches any run of white space


@dataclass(frozen=True)
class Lexicon:
    languages: tuple[str, ...]
    any_label: Guarded  # a label for any field: most lines have none, and skip the rest
    categories: tuple[tuple[Guarded, Category], ...]
    any_category: Guarded  # a name of any category: most sentences have none, and skip the rest
    label_sources: dict[str, str]  # LABEL_FIELDS -> the pattern's text (compiled by label(), on first use)
    label_terms: dict[str, tuple[str, ...]]  # LABEL_FIELDS -> the terms, as written
    label_literals: dict[str, Literals]  # LABEL_FIELDS -> what a match contains (term_literals)
    word_sources: dict[str, str]  # WORD_KINDS -> the pattern's text (compiled by word(), on first use)
    word_literals: dict[str, Literals]  # WORD_KINDS -> what a match contains (term_literals)
    common: frozenset[str]  # the common words of every language, folded (no literal to look for)
    reply: dict[str, tuple[Any, ...]]  # REPLY_KINDS -> the terms of every language, as written (not compiled)
    # Most labels and words are read only inside bigger patterns (or_words, or_label): compiled alone,
    # on their own, they would cost every process their compilation for nothing.
    _compiled: dict[str, Guarded] = field(default_factory=dict, compare=False, repr=False)

    def label(self, field: str) -> Guarded:
        return self._compile(f"label:{field}", self.label_sources[field], self.label_literals[field])

    def word(self, kind: str) -> Guarded:
        return self._compile(f"word:{kind}", self.word_sources[kind], self.word_literals[kind])

    def _compile(self, key: str, source: str, literals: Literals) -> Guarded:
        if key not in self._compiled:  # keys are the lexicon's own: the dict holds at most one per kind
            self._compiled[key] = guard(source, literals=literals)
        return self._compiled[key]


# Letters a language writes two ways: Romanian ș ț with a comma below, and with the cedilla (ş ţ) that
# older keyboards and code pages (ISO-8859-2, windows-1250) give.
_VARIANTS = str.maketrans("șțȘȚ", "şţŞŢ")


def with_variants(terms: list[str]) -> list[str]:
    """The terms and their other spellings."""
    return terms + [
        variant for variant in (term.translate(_VARIANTS) for term in terms) if variant not in terms
    ]


# Serbian writes the same words in Latin and in Cyrillic letters, one for one (Vuk's alphabet): its table,
# kept in Latin, reads both ('written_also = ["cyrillic"]'). Digraphs first: 'lj' is one letter, 'љ'.
_SERBIAN_DIGRAPHS = {
    "lj": "љ",
    "nj": "њ",
    "dž": "џ",
    "Lj": "Љ",
    "LJ": "Љ",
    "Nj": "Њ",
    "NJ": "Њ",
    "Dž": "Џ",
    "DŽ": "Џ",
}
_SERBIAN_LETTERS = str.maketrans(
    "abvgdđežzijklmnoprstćufhcčšABVGDĐEŽZIJKLMNOPRSTĆUFHCČŠ",
    "абвгдђежзијклмнопрстћуфхцчшАБВГДЂЕЖЗИЈКЛМНОПРСТЋУФХЦЧШ",
)
_SCRIPTS = {"cyrillic": lambda term: _serbian_cyrillic(term)}


def _serbian_cyrillic(term: str) -> str:
    return " ".join(map(_serbian_cyrillic_word, term.split(" ")))


def _serbian_cyrillic_word(word: str) -> str:
    if re.search(r"[A-Z]{2}|/|^webmail", word):
        return word  # 'IPR', 'S/MIME', 'webmail': written in Latin letters in Cyrillic text too
    for latin, cyrillic in _SERBIAN_DIGRAPHS.items():
        word = word.replace(latin, cyrillic)
    return word.translate(_SERBIAN_LETTERS)


def with_scripts(terms: list[str], scripts: list[str]) -> list[str]:
    """The terms and the same words in the other scripts the language is written in."""
    return terms + [
        written for script in scripts for written in map(_SCRIPTS[script], terms) if written not in terms
    ]


def load(folder: Path = _HERE) -> Lexicon:
    tables = {path.stem: tomllib.loads(path.read_text("utf-8")) for path in sorted(folder.glob("*.toml"))}
    labels: dict[str, list[str]] = {field: [] for field in LABEL_FIELDS}
    names: dict[Category, list[str]] = {category: [] for category in Category}
    words: dict[str, list[str]] = {kind: [] for kind in WORD_KINDS}
    reply: dict[str, list[Any]] = {kind: [] for kind in REPLY_KINDS}
    for language, table in tables.items():
        scripts = table.get("written_also", [])
        if unknown := set(scripts) - set(_SCRIPTS):
            raise ValueError(f"lexicon {language}.toml: unknown script in written_also: {sorted(unknown)}")
        for section, known in (("labels", labels), ("words", words), ("reply", reply)):
            for key, terms in table.get(section, {}).items():
                if key not in known:
                    raise ValueError(f"lexicon {language}.toml: unknown [{section}] key {key!r}")
                known[key] += terms if section == "reply" else with_scripts(with_variants(terms), scripts)
        for key, terms in table.get("categories", {}).items():
            names[Category(key)] += with_scripts(with_variants(terms), scripts)
    common = frozenset(fold(word) for word in words["common"])
    return Lexicon(
        languages=tuple(tables),
        any_label=compile_terms((term for terms in labels.values() for term in terms), common),
        categories=tuple((compile_terms(terms, common), category) for category, terms in names.items()),
        any_category=compile_terms((term for terms in names.values() for term in terms), common),
        label_sources={field: terms_pattern(terms) for field, terms in labels.items()},
        label_terms={field: tuple(terms) for field, terms in labels.items()},
        label_literals={field: term_literals(terms, common) for field, terms in labels.items()},
        word_sources={kind: terms_pattern(terms) for kind, terms in words.items()},
        word_literals={kind: term_literals(terms, common) for kind, terms in words.items()},
        common=common,
        reply={
            kind: tuple(tuple(term) if isinstance(term, list) else term for term in terms)
            for kind, terms in reply.items()
        },
    )


LEXICON = load()


def in_known_language(text: str, enough: int = 3) -> bool:
    """Whether the text is written in a language the lexicon has a table for (a few of its common words)."""
    seen: set[str] = set()
    for match in LEXICON.word("common").finditer(text[:20000]):
        seen.add(match.group(0).lower())
        if len(seen) >= enough:
            return True
    return False


def or_words(kind: str, pattern: re.Pattern[str]) -> Guarded:
    """An English pattern extended by the lexicon's words of one kind, in every language."""
    return guard_or_lexicon(pattern, words=(kind,))


def or_label(field: str, pattern: re.Pattern[str]) -> Guarded:
    """An English label pattern extended by the lexicon's labels for the field."""
    return guard_or_lexicon(pattern, labels=(field,))


def guard_or_lexicon(
    pattern: re.Pattern[str], words: Iterable[str] = (), labels: Iterable[str] = ()
) -> Guarded:
    """or_lexicon compiled, and run only on texts with one of its literals: the English pattern's
    (from its syntax) or the words' and labels' (from their terms)."""
    words, labels = tuple(words), tuple(labels)
    english = required(pattern)
    literals = None
    if english is not None:
        literals = english
        for kind in words:
            literals |= LEXICON.word_literals[kind]
        for field in labels:
            literals |= LEXICON.label_literals[field]
    return guard(or_lexicon(pattern, words, labels), literals=literals)


def or_lexicon(pattern: re.Pattern[str], words: Iterable[str] = (), labels: Iterable[str] = ()) -> str:
    """The text of a pattern that matches the English one, else the lexicon's words of those kinds, else
    its labels for those fields, in that order: one pattern compiled, not one per kind added."""
    english = f"(?i:{pattern.pattern})" if pattern.flags & re.I else f"(?:{pattern.pattern})"
    lexicon = [LEXICON.word_sources[kind] for kind in words] + [
        LEXICON.label_sources[field] for field in labels
    ]
    return "|".join([english, *(f"(?:{source})" for source in lexicon)])
