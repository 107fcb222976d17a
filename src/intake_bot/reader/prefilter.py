"""A cheap test of whether a pattern can match a text at all, so that most texts never run it.

The lexicon's patterns hold hundreds of words in many scripts: Python's engine tries each of their
first characters at nearly every letter of every sentence, and most sentences contain none of the
words. Every match of a pattern contains one of a set of literal strings that the pattern's own
syntax tree yields (its words, 'emergenc' of 'emergenc(?:y|ies)'). `Guarded` wraps a compiled
pattern with that set: a text that contains none of the strings is answered without the engine;
any other text gets the pattern's own answer. Answers are therefore always the pattern's.

Texts are compared case-folded as IGNORECASE compares characters (Python's simple lower case, and
the letters it treats as equal: 'ı' and 'i', 'ſ' and 's'), so a case-insensitive pattern is guarded
as well as one that lists its casings. The literals are found through their 3-character pieces: one
set of a text's pieces, made once per text and shared by every pattern that reads it.
"""

from __future__ import annotations

import operator
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from re import _casefix, _constants, _parser  # type: ignore[attr-defined]
from typing import Any

# Characters IGNORECASE takes for one another besides their lower case ('ı' and 'i'): each class folds
# to its first letter (a letter, so that a word stays a word: 'ι' not the combining U+0345).
_EQUAL: dict[int, int] = {}
for _lower, _others in _casefix._EXTRA_CASES.items():
    _first = min((_lower, *_others), key=lambda code: (not chr(code).isalnum(), code))
    for _char in (_lower, *_others):
        _EQUAL[_char] = min(
            _EQUAL.get(_char, _first), _first, key=lambda code: (not chr(code).isalnum(), code)
        )
_CLASSES = str.maketrans({chr(char): chr(first) for char, first in _EQUAL.items() if char != first})


def fold(text: str) -> str:
    """The text with every character as IGNORECASE compares it: its simple lower case, in its class.
    (str.lower writes 'İ' as two characters, i and a combining dot; the engine's lower case is 'i'.)"""
    if text.isascii():  # (no ASCII letter is in a class with another)
        return text.lower()
    return text.replace("\u0130", "i").lower().translate(_CLASSES)


# A few hundred strings at most are combined by concatenation ('a|b' then 'c|d'); past that only
# one side is kept (a requirement is then weaker, never wrong).
_PRODUCT_LIMIT = 256
_SET_LIMIT = 100_000


@dataclass(frozen=True)
class _Info:
    """What a piece of a pattern matches: `exact`, exactly one of these strings (when known, and few);
    `prefix`, strings every match starts with; `need`, strings one of which every match contains."""

    exact: frozenset[str] | None = None
    prefix: frozenset[str] | None = None
    need: frozenset[str] | None = None


_ANYTHING = _Info()
_EMPTY = _Info(exact=frozenset({""}), prefix=frozenset({""}))
_ZERO_WIDTH = {_constants.AT, _constants.ASSERT, _constants.ASSERT_NOT}
_REPEATS = {_constants.MAX_REPEAT, _constants.MIN_REPEAT, getattr(_constants, "POSSESSIVE_REPEAT", None)}


@dataclass(frozen=True)
class Literals:
    """Folded strings one of which every match of a pattern contains: `anywhere` in the text, or
    `at_words`, where a word begins (its first character a word character, the one before not).
    A literal in `companions` comes with other strings: it counts only with all of one of their sets
    ('email' with 'service' in 'email service')."""

    anywhere: frozenset[str] = frozenset()
    at_words: frozenset[str] = frozenset()
    companions: Mapping[str, frozenset[tuple[str, ...]]] = field(default_factory=dict)

    def __or__(self, other: Literals) -> Literals:
        mine, theirs = self.anywhere | self.at_words, other.anywhere | other.at_words
        companions = {
            literal: self.companions.get(literal, frozenset()) | other.companions.get(literal, frozenset())
            for literal in {*self.companions, *other.companions}
            # a literal one side has alone needs no companion
            if (literal in self.companions or literal not in mine)
            and (literal in other.companions or literal not in theirs)
        }
        return Literals(self.anywhere | other.anywhere, self.at_words | other.at_words, companions)


def required(pattern: re.Pattern[str]) -> Literals | None:
    """What every match of the pattern contains, from its syntax; None when it may match without
    any literal (an empty match, a pattern of classes only)."""
    try:
        tree = _parser.parse(pattern.pattern, pattern.flags)
    except MemoryError:
        raise
    except Exception:  # an engine whose syntax tree this does not know: no guard, never a wrong one
        return None
    need = _info(tree).need
    return None if need is None else Literals(anywhere=need)


def _info(items: Any) -> _Info:
    """A sequence of the syntax tree."""
    chain = frozenset({""})  # what the items since the last inexact one match, exactly
    candidates: list[frozenset[str]] = []
    prefix: frozenset[str] | None = None  # set at the first inexact item
    for op, value in items:
        item = _item(op, value)
        if item.exact is not None and _small(chain, item.exact):
            chain = _product(chain, item.exact)
            candidates.append(item.exact)  # (one of these alone may tell more than all of them joined)
            continue
        reached = (
            _product(chain, item.prefix) if item.prefix is not None and _small(chain, item.prefix) else chain
        )
        candidates.append(reached)
        if prefix is None:
            prefix = reached
        if item.need is not None:
            candidates.append(item.need)
        chain = item.exact if item.exact is not None else frozenset({""})
    candidates.append(chain)
    if prefix is None:  # every item exact: the sequence too
        return _Info(exact=chain, prefix=chain, need=_best(candidates))
    return _Info(prefix=prefix, need=_best(candidates))


def _small(left: frozenset[str], right: frozenset[str]) -> bool:
    return len(left) == 1 or len(right) == 1 or len(left) * len(right) <= _PRODUCT_LIMIT


def _item(op: Any, value: Any) -> _Info:
    if op is _constants.LITERAL:
        return _Info(exact=frozenset({fold(chr(value))}), prefix=frozenset({fold(chr(value))}))
    if op is _constants.SUBPATTERN:
        return _info(value[-1])
    if op is getattr(_constants, "ATOMIC_GROUP", None):
        return _info(value)
    if op in _ZERO_WIDTH:
        return _EMPTY
    if op is _constants.BRANCH:
        return _branch([_info(alternative) for alternative in value[1]])
    if op in _REPEATS:
        low, high, body = value
        inner = _info(body)
        if low == 0 and high == 1 and inner.exact is not None:
            return _Info(exact=inner.exact | {""}, prefix=inner.exact | {""})
        if low == 0:
            return _ANYTHING
        return _Info(prefix=inner.prefix, need=inner.need)
    if op is _constants.IN:
        return _choice(value)
    return _ANYTHING  # any character, a back-reference: no literal


def _choice(members: Any) -> _Info:
    """A class of a few characters ('[rz]', as the parser writes 'bar|baz'): each of them, exactly."""
    chars: set[str] = set()
    for op, value in members:
        if op is _constants.LITERAL:
            chars.add(fold(chr(value)))
        elif op is _constants.RANGE and value[1] - value[0] < 16:
            chars.update(fold(chr(code)) for code in range(value[0], value[1] + 1))
        else:  # a negated class, a category (\w, \s): too many
            return _ANYTHING
    exact = frozenset(chars)
    return _Info(exact=exact, prefix=exact) if len(exact) <= 16 else _ANYTHING


def _branch(alternatives: list[_Info]) -> _Info:
    def union(sets: list[frozenset[str] | None], limit: int) -> frozenset[str] | None:
        if any(s is None for s in sets):
            return None
        joined = frozenset().union(*(s for s in sets if s is not None))
        return joined if len(joined) <= limit else None

    return _Info(
        exact=union([a.exact for a in alternatives], _SET_LIMIT),
        prefix=union([a.prefix for a in alternatives], _SET_LIMIT),
        need=union([a.need for a in alternatives], _SET_LIMIT),
    )


def _product(left: frozenset[str], right: frozenset[str]) -> frozenset[str]:
    return frozenset(a + b for a in left for b in right)


def _best(candidates: list[frozenset[str]]) -> frozenset[str] | None:
    """The most telling requirement: the one a text is least likely to have, counting each literal
    rarer by half with each character (up to eight), and a little for looking it up at all. (An
    empty string is no requirement.)"""
    useful = [c for c in candidates if c and "" not in c]
    return min(useful, key=lambda c: sum(0.5 ** min(len(s), 8) + 0.01 for s in c)) if useful else None


# Letters ranked by how often English text has them: a literal is looked up by its rarest piece.
_COMMON = {char: rank for rank, char in enumerate("etaoinshrdlcumwfgypbvkjxqz")}


def _rarity(piece: str) -> int:
    return sum(_COMMON.get(char, 20) for char in piece)


_WORD = re.compile(r"\w+")
_HEAD = operator.itemgetter(slice(0, 3))  # what a word begins with: its first three characters, or all


class _Index:
    """A pattern's literals as lookups: those where a word begins by the word's head (its first three
    characters), the others by their rarest character."""

    def __init__(self, literals: Literals) -> None:
        self.companions = {literal: tuple(sets) for literal, sets in literals.companions.items()}
        anywhere = set(literals.anywhere)
        by_head: dict[str, set[str]] = {}
        for literal in literals.at_words:
            run = _WORD.match(literal)
            if run is None:  # (no word character first: looked for anywhere)
                anywhere.add(literal)
            elif len(run.group()) >= 3 or run.end() < len(literal):  # a short word ends inside it
                by_head.setdefault(run.group()[:3], set()).add(literal)
            else:  # a short word that may go on in the text ('ab' of 'abc')
                anywhere.add(literal)
        by_char: dict[str, list[str]] = {}
        for literal in self._without_longer(anywhere):
            by_char.setdefault(max(literal, key=_rarity), []).append(literal)
        self.by_head = {head: self._without_longer(found) for head, found in by_head.items()}
        self.by_char = {char: tuple(found) for char, found in by_char.items()}
        self.heads = frozenset(self.by_head)
        self.chars = frozenset(self.by_char)
        self.all = (
            *(lit for found in self.by_head.values() for lit in found),
            *self._without_longer(anywhere),
        )

    def _without_longer(self, literals: set[str]) -> tuple[str, ...]:
        """The literals but those that begin with another one that needs no companion (that one is in
        the text whenever they are)."""
        kept: list[str] = []
        for literal in sorted(literals):
            if not (kept and literal.startswith(kept[-1]) and kept[-1] not in self.companions):
                kept.append(literal)
        return tuple(kept)

    def found_in(self, text: str) -> bool:
        if len(text) > SHORT_TEXT:  # its words would cost more than looking for each literal
            folded = fold(text)
            return any(literal in folded and self._accompanied(literal, folded) for literal in self.all)
        probe = _probe(text)
        known = probe.answers.get(self)
        if known is None:
            known = probe.answers[self] = self._found_in(probe)
        return known

    def _found_in(self, probe: _Probe) -> bool:
        folded = probe.folded
        for char in probe.chars.intersection(self.chars) if self.chars else ():
            for literal in self.by_char[char]:
                if literal in folded and self._accompanied(literal, folded):
                    return True
        for head in probe.heads().intersection(self.heads) if self.heads else ():
            for literal in self.by_head[head]:
                if literal in folded and self._accompanied(literal, folded):
                    return True
        return False

    def _accompanied(self, literal: str, folded: str) -> bool:
        sets = self.companions.get(literal)
        return sets is None or any(all(other in folded for other in others) for others in sets)


class _Probe:
    """A short text folded, its characters, the heads of its words (made when first asked for), and
    the patterns' answers so far."""

    __slots__ = ("text", "folded", "chars", "answers", "_heads")

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = folded = fold(text)
        self.chars = set(folded)
        self.answers: dict[_Index, bool] = {}
        self._heads: set[str] | None = None

    def heads(self) -> set[str]:
        if self._heads is None:
            # Folding keeps a word character one, but for U+0345 (it folds to 'ι'): words as the text has them.
            words = self.folded if "\u0345" not in self.text else fold(self.text.replace("\u0345", " "))
            self._heads = set(map(_HEAD, _WORD.findall(words)))
        return self._heads


SHORT_TEXT = 20_000  # longer texts are not taken apart into pieces (nor kept)
_PROBES: dict[str, _Probe] = {}  # the short texts of the message being read: each is read by many patterns
_PROBED_CHARS = [0]
_PROBES_LIMIT = 100_000  # characters of the texts kept, at most (their pieces take ~100 bytes a character)


def _probe(text: str) -> _Probe:
    probe = _PROBES.get(text)
    if probe is None:
        if _PROBED_CHARS[0] + len(text) > _PROBES_LIMIT:
            forget()
        probe = _PROBES[text] = _Probe(text)
        _PROBED_CHARS[0] += len(text)
    return probe


def forget() -> None:
    """Drop the texts kept (before each message: its texts are not the last one's)."""
    _PROBES.clear()
    _PROBED_CHARS[0] = 0


class Guarded:
    """A compiled pattern that is run only on texts containing one of its required literals; its
    methods answer as the pattern's do."""

    def __init__(self, pattern: re.Pattern[str], literals: Literals | None | bool = False) -> None:
        """literals: what every match contains one of, when the caller knows (folded); None, no guard;
        False, found from the pattern's syntax on first use."""
        self.compiled = pattern
        self._literals = literals
        self._index: _Index | None | bool = False  # made on first use: False, not yet; None, no guard

    @property
    def pattern(self) -> str:
        return self.compiled.pattern

    @property
    def flags(self) -> int:
        return self.compiled.flags

    def prepare(self) -> None:
        """Find the pattern's literals now (the zygote does, once for every worker)."""
        if self._index is False:
            literals = required(self.compiled) if self._literals is False else self._literals
            self._index = _Index(literals) if isinstance(literals, Literals) else None

    def may_match(self, text: str) -> bool:
        index = self._index
        if index is False:
            self.prepare()
            index = self._index
        return index.found_in(text) if isinstance(index, _Index) else True

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(string, pos, endpos) if self.may_match(string) else None

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.match(string, pos, endpos) if self.may_match(string) else None

    def fullmatch(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.fullmatch(string, pos, endpos) if self.may_match(string) else None

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string, pos, endpos) if self.may_match(string) else iter(())

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        return self.compiled.findall(string, pos, endpos) if self.may_match(string) else []

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        return self.compiled.sub(repl, string, count) if self.may_match(string) else string

    def split(self, string: str, maxsplit: int = 0) -> list[str | Any]:
        return self.compiled.split(string, maxsplit) if self.may_match(string) else [string]


Matcher = re.Pattern[str] | Guarded  # what a reader may be given: a pattern, guarded or not

_ALL: list[Guarded] = []


def guard(
    pattern: re.Pattern[str] | str, flags: int = 0, literals: Literals | None | bool = False
) -> Guarded:
    """The pattern (or its text, compiled) guarded by its literals (Guarded)."""
    guarded = Guarded(re.compile(pattern, flags) if isinstance(pattern, str) else pattern, literals)
    _ALL.append(guarded)
    return guarded


def prepare_all() -> None:
    """Every guard made so far, ready: run by the zygote before it forks the workers."""
    for guarded in _ALL:
        guarded.prepare()
