"""The words applicants write, in every language we read, kept as data: one TOML table per language.

Each file (en.toml, de.toml, ...) has the same sections:
  [labels]      field -> what a "Label:" for it says (category, organization, website, representatives,
                emergency, audit, certificates, ipr)
  [categories]  category -> its name (and usual translations)
  [words]       voting, non_voting, representative, emergency, website, organization, join (intent to
                become a member), joining_as (the words around "as a <category>"), asking (a question),
                myself (the sender means themself), change (a later change of mind), negation
                (right before a category name: not that one), negation_after (the same, written after it),
                common (frequent little words: is the mail written in a language we read at all?),
                describes_issuer / describes_consumer (what a Certificate Issuer / Consumer does, for a
                category described rather than named), not_yet (what is planned is not described)

A term matches as a whole word, case-insensitively; "*" at its start or end leaves that side open
("*kategorie" also matches "Mitgliedskategorie"); a space matches any run of white space. Scripts
written without spaces between words (Chinese, Japanese) match anywhere. Everything is compiled
once, at import: a new language is a new file.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ...records import Category

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
    "not_yet",
)


def term_pattern(term: str) -> str:
    """One term as a regular expression (see the module's doc for the syntax)."""
    open_start, open_end = term.startswith("*"), term.endswith("*")
    core = term.strip("*").strip()
    body = r"\s+".join(re.escape(part) for part in core.split())
    if _UNSPACED.search(core):
        return body
    start = "" if open_start else r"(?<!\w)"
    end = "" if open_end else r"(?!\w)"
    return f"{start}{body}{end}"


def compile_terms(terms: Iterable[str]) -> re.Pattern[str]:
    """Every term as one pattern, longest first (so that the longest name wins at a position)."""
    unique = sorted(set(terms), key=lambda t: (-len(t), t))
    if not unique:
        return re.compile(r"(?!)")
    return re.compile("|".join(term_pattern(t) for t in unique), re.I)


@dataclass(frozen=True)
class Lexicon:
    languages: tuple[str, ...]
    labels: dict[str, re.Pattern[str]]
    categories: tuple[tuple[re.Pattern[str], Category], ...]
    words: dict[str, re.Pattern[str]]

    def label(self, field: str) -> re.Pattern[str]:
        return self.labels[field]

    def word(self, kind: str) -> re.Pattern[str]:
        return self.words[kind]


def load(folder: Path = _HERE) -> Lexicon:
    tables = {path.stem: tomllib.loads(path.read_text("utf-8")) for path in sorted(folder.glob("*.toml"))}
    labels: dict[str, list[str]] = {field: [] for field in LABEL_FIELDS}
    names: dict[Category, list[str]] = {category: [] for category in Category}
    words: dict[str, list[str]] = {kind: [] for kind in WORD_KINDS}
    for language, table in tables.items():
        for section, known in (("labels", labels), ("words", words)):
            for key, terms in table.get(section, {}).items():
                if key not in known:
                    raise ValueError(f"lexicon {language}.toml: unknown [{section}] key {key!r}")
                known[key] += terms
        for key, terms in table.get("categories", {}).items():
            names[Category(key)] += terms
    return Lexicon(
        languages=tuple(tables),
        labels={field: compile_terms(terms) for field, terms in labels.items()},
        categories=tuple((compile_terms(terms), category) for category, terms in names.items()),
        words={kind: compile_terms(terms) for kind, terms in words.items()},
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


def or_words(kind: str, pattern: re.Pattern[str]) -> re.Pattern[str]:
    """An English pattern extended by the lexicon's words of one kind, in every language."""
    return _union(pattern, LEXICON.word(kind))


def or_label(field: str, pattern: re.Pattern[str]) -> re.Pattern[str]:
    """An English label pattern extended by the lexicon's labels for the field."""
    return _union(pattern, LEXICON.label(field))


def _union(pattern: re.Pattern[str], other: re.Pattern[str]) -> re.Pattern[str]:
    english = pattern.pattern if pattern.flags & re.I else f"(?-i:{pattern.pattern})"
    return re.compile(f"(?:{english})|(?:{other.pattern})", re.I)
