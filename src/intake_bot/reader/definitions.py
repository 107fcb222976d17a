"""A category described, not named: the bylaws' definitions read as the lexicon's concepts, in any language.

A Certificate Issuer issues S/MIME certificates (a certification authority, a trust service provider); a
Certificate Consumer makes or runs mail software that processes them (a mail client, a webmail service,
one that validates S/MIME signatures). A sentence describes a category by a phrase that says it alone
(describes_issuer, describes_consumer) or by an act and its object close together: issuing certificates,
validating signatures or certificates. An object belongs to the act nearest to it ('we verify each
applicant and issue certificates' issues them). What others do ('issued by any CA', 'trusted by the major
mail clients'), what is denied, planned or part of a name describes nothing. Only a description that fits
exactly one category counts: 'we run a CA and also build a mail client' fits two, and states none.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from functools import cache, reduce

from ..records import Category
from .lexicon import LEXICON
from .prefilter import Guarded, guard
from .prose import Sentence

_KINDS = (
    "describes_issuer",
    "describes_consumer",
    "issuing",
    "validating",
    "certificates",
    "signatures",
    "by_others",
)
_PHRASES = {
    "describes_issuer": Category.CERTIFICATE_ISSUER,
    "describes_consumer": Category.CERTIFICATE_CONSUMER,
}
_ACTS = {"issuing": Category.CERTIFICATE_ISSUER, "validating": Category.CERTIFICATE_CONSUMER}
_OBJECTS = {"issuing": ("certificates",), "validating": ("certificates", "signatures")}
_NEAR = 40  # characters between an act and its object: a clause, not the next one
_NOT_YET = LEXICON.word("not_yet")
# 'We do not operate a certification authority', 'betreiben keine Zertifizierungsstelle': a negation a few
# words before, in any language the lexicon reads.
_DENIED = re.compile(rf"(?:{LEXICON.word_sources['negation']}|(?i:\bno\b|n't\b))(?:\W+\w+){{0,3}}\W*$")
_WORDS_BETWEEN = re.compile(r"\W*(?:\w+\W*){0,2}")  # 'trusted by [all major] mail clients', '由任何[CA]签发'
_CHARS_BETWEEN = 20  # and few characters (scripts without spaces have no words to count)


@dataclass(frozen=True)
class _Hit:
    kind: str
    start: int
    end: int


@cache
def _scanner() -> Guarded:
    """Every concept's words as one pattern, each in its named group: one pass over a sentence, and none
    over a sentence without any of their words (prefilter.py)."""
    return guard(
        "|".join(f"(?P<{kind}>{LEXICON.word_sources[kind]})" for kind in _KINDS),
        literals=reduce(operator.or_, (LEXICON.word_literals[kind] for kind in _KINDS)),
    )


def category_described(sentences: list[Sentence]) -> Category | None:
    fits = {category for sentence in sentences for category in _fits(sentence.text)}
    return fits.pop() if len(fits) == 1 else None


def _fits(text: str) -> set[Category]:
    if _NOT_YET.search(text):
        return set()  # what is planned, or not yet so, describes nothing
    hits = [_Hit(match.lastgroup or "", match.start(), match.end()) for match in _scanner().finditer(text)]
    found = {
        _PHRASES[hit.kind]
        for hit in hits
        if hit.kind in _PHRASES and not _in_a_name(text[hit.start : hit.end]) and _own(text, hits, hit, hit)
    }
    acts = [hit for hit in hits if hit.kind in _ACTS]
    for thing in (hit for hit in hits if hit.kind in ("certificates", "signatures")):
        act = _nearest_act(thing, acts)
        if act and _own(text, hits, min(act, thing, key=_start), max(act, thing, key=_start)):
            found.add(_ACTS[act.kind])
    return found


def _start(hit: _Hit) -> int:
    return hit.start


def _nearest_act(thing: _Hit, acts: list[_Hit]) -> _Hit | None:
    """The act the object belongs to: the nearest one that takes such an object, if close enough."""
    near = [
        (max(act.start - thing.end, thing.start - act.end), act)
        for act in acts
        if thing.kind in _OBJECTS[act.kind]
    ]
    near = [(gap, act) for gap, act in near if gap <= _NEAR]
    return min(near, key=lambda item: item[0])[1] if near else None


def _own(text: str, hits: list[_Hit], first: _Hit, last: _Hit) -> bool:
    """Said of the writer: not denied, not what others do ('issued by', 'trusted by [the] mail clients')."""
    if _DENIED.search(text, 0, first.start) or LEXICON.word("negation").search(text, first.end, last.start):
        return False
    for other in hits:
        if other.kind != "by_others":
            continue
        if (
            other.end <= first.start
            and first.start - other.end <= _CHARS_BETWEEN
            and _WORDS_BETWEEN.fullmatch(text, other.end, first.start)
        ):
            return False  # 'trusted by the major mail clients'
        if last.kind == "issuing" and other.start >= last.end and not text[last.end : other.start].strip():
            return False  # 'certificates issued by'
    return True


def _in_a_name(words: str) -> bool:
    """'Acorn Certificate Authority Ltd': words of a description, capitalised as a name's are, describe nothing."""
    parts = words.split()
    return len(parts) > 1 and all(part[:1].isupper() for part in parts)
