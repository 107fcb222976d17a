"""The membership category: a labelled value, or an official name (or a synonym) in an applying context."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..records import Category, ParsedEmail
from .definitions import category_described
from .lexicon import LEXICON, or_lexicon
from .prefilter import Matcher
from .prose import Sentence, is_question, is_reply
from .statements import Statement, latest

_STRONG_ENGLISH = (
    (re.compile(r"certificate\s+issuers?", re.I), Category.CERTIFICATE_ISSUER),
    (re.compile(r"certificate\s+consumers?", re.I), Category.CERTIFICATE_CONSUMER),
    (re.compile(r"interested[\s-]+part(?:y|ies)", re.I), Category.INTERESTED_PARTY),
    (re.compile(r"associate(?:d)?\s+member(?:ship)?", re.I), Category.ASSOCIATE_MEMBER),
)
# and the names in every language the lexicon knows
_STRONG: tuple[tuple[Matcher, Category], ...] = (*_STRONG_ENGLISH, *LEXICON.categories)
_WEAK = (
    (
        re.compile(
            r"certificat(?:e|ion)\s+authorit(?:y|ies)|\bCAs?\b|issuing\s+CA|trust\s+service\s+provider|"
            r"\bQ?TSP\b|(?:certificate|S/MIME)\s+(?:issuer|provider)|\bissuer\b",
        ),
        Category.CERTIFICATE_ISSUER,
    ),
    (
        re.compile(
            r"browser|(?:e-?mail|mail)\s+(?:client|user agent|software|application|service|provider)|\bMUA\b|"
            r"software\s+(?:vendor|supplier)|consumer\b",
            re.I,
        ),
        Category.CERTIFICATE_CONSUMER,
    ),
    (re.compile(r"\binterested\b", re.I), Category.INTERESTED_PARTY),
    (re.compile(r"\bassociate\b", re.I), Category.ASSOCIATE_MEMBER),
)
_NEGATED = re.compile(
    r"(?:\bnot\s+(?:as\s+)?(?:an?\s+)?|\binstead\s+of\s+(?:an?\s+)?|\brather\s+than\s+(?:an?\s+)?|\bfrom\s+(?:an?\s+)?|"
    r"\bby\s+(?:an?\s+|the\s+)?|\bno\s+longer\s+(?:an?\s+)?)$",
    re.I,
)
# ... and 'plutôt que comme', 'en lugar de como', 'rather than as a': the word for 'as' may come between
_NEGATED_WORDS = re.compile(
    rf"(?:{LEXICON.word_sources['negation']})\W*(?:(?:{LEXICON.word_sources['joining_as']})\W*)?$"
)
_NEGATED_AFTER = re.compile(rf"[\s)）」』\]]*(?:{LEXICON.word_sources['negation_after']})")
_CONTEXT_ENGLISH = re.compile(
    r"\bas\b|categor|\bapply|applying|application|\bjoin|\bwe\s+are\b|\bI\s+am\b|\bam\s+an?\b|membership|"
    r"\bbecome\b|\bparticipat|\bchange\b|\bswitch|\bupdate|\bwould like\b",
    re.I,
)
_CONTEXT_BEFORE = re.compile(  # and the lexicon's labels: 'w kategorii Certificate Issuer'
    or_lexicon(_CONTEXT_ENGLISH, words=("join", "joining_as", "change"), labels=("category",))
)
# After the name: 'として', 'olarak', and an ending joined by a hyphen ('Interested Party -jäsenenä').
_CONTEXT_AFTER = re.compile(
    rf"[\s)）」』\]-]*(?:{LEXICON.word_sources['joining_as']}|{LEXICON.word_sources['join']})"
)
# Two categories and words of doubt or a question ('ob', 'zda', 'pourriez-vous'): the choice is still open.
_UNDECIDED = re.compile(
    or_lexicon(
        re.compile(
            r"not\s+(?:yet\s+)?(?:sure|decided)|unsure|undecided|\bwhether\b|\btbd\b|to be decided|\?", re.I
        ),
        words=("asking",),
    )
)
_CHANGE = LEXICON.word("change")


def extract_category(
    statements: list[Statement], sentences: list[Sentence], parsed: ParsedEmail
) -> Category | None:
    candidates: list[tuple[int, Category | None]] = [
        (s.pos, (category_in_value(s.value) if s.field == "category" else None) or _label_category(s.label))
        for s in statements
    ]
    labelled = latest(candidates)
    # A question ('could we take part as an Interested Party?') asks about a category; it chooses none.
    stating = [s for s in sentences if not is_question(s.text)]
    in_prose = [(s, category_in_prose(s.text)) for s in stating if not _NOT_YET.search(s.text)]
    # Beside a labelled answer, another category in the prose ('our old agreement, signed when we took part
    # as an Interested Party') is context, unless the sentence says the choice changes.
    candidates += [
        (s.pos, found)
        for s, found in in_prose
        if not labelled or found in (None, labelled) or _CHANGE.search(s.text)
    ]
    # A sentence about later ('we will apply again as a Certificate Issuer after the audit') names the
    # category only when nothing else does.
    later = [(s.pos, category_in_prose(s.text)) for s in stating if _NOT_YET.search(s.text)]
    found = latest(candidates) or latest(later)
    if found or is_reply(parsed):
        return found
    named = category_in_prose(parsed.subject, subject=True)
    if named or any(_mentions(s.text, _STRONG) for s in sentences):
        return named  # a name given, even undecided ('perhaps Associate Member or Interested Party?')
    if any(is_question(s.text) and _ABOUT_CATEGORY.search(s.text) for s in sentences):
        return None  # 'which category fits us?': the writer asks; a description does not answer for them
    return category_described(sentences)


_ABOUT_CATEGORY = re.compile(or_lexicon(re.compile(r"categor", re.I), labels=("category",)))


_NOT_YET = LEXICON.word("not_yet")


def _label_category(label: str) -> Category | None:
    """A label that is itself a statement: 'We apply as an Interested Party for:'; lists of choices state nothing."""
    label = re.sub(r"\(.*?\)", " ", label)
    kinds = {category for _, category, _ in _mentions(label, _STRONG)}
    return category_in_prose(label) if len(kinds) == 1 else None


def category_in_value(value: str) -> Category | None:
    """A category-labelled value: official names and their usual synonyms."""
    mentions = _mentions(value, _STRONG) or _mentions(value, _WEAK)
    return _decide(mentions, value)


def category_in_prose(text: str, subject: bool = False) -> Category | None:
    """Prose: an official name in an applying context, or a synonym right after 'as a'."""
    mentions = [m for m in _mentions(text, _STRONG) if subject or _in_context(text, m[0], m[2])]
    if _AS.search(text):  # a synonym counts only after 'as' (most sentences have none)
        mentions += [
            m for m in _mentions(text, _WEAK) if re.search(r"\bas\s+(?:an?\s+)?$", text[: m[0]], re.I)
        ]
    return _decide(sorted(mentions), text)


_AS = re.compile(r"as\s", re.I)


def _mentions(text: str, patterns: Sequence[tuple[Matcher, Category]]) -> list[tuple[int, Category, int]]:
    found: list[tuple[int, Category, int]] = []
    if patterns is _STRONG and not _may_name_one(text):
        return found
    for pattern, category in patterns:
        for match in pattern.finditer(text):
            before = text[max(0, match.start() - 25) : match.start()]
            if not (_NEGATED.search(before) or _NEGATED_WORDS.search(before)) and not _NEGATED_AFTER.match(
                text, match.end(), match.end() + 20
            ):
                found.append((match.start(), category, match.end()))
    return sorted(found)


def _may_name_one(text: str) -> bool:
    """Whether the text may name a category: the lexicon's names in every language are one pass over
    it (most sentences name none), not one per category."""
    return LEXICON.any_category.search(text) is not None or any(
        pattern.search(text) for pattern, _ in _STRONG_ENGLISH
    )


def _in_context(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 60) : start]
    after = text[end : end + 25]
    return bool(
        _CONTEXT_BEFORE.search(before)
        or re.match(r"\s*(?:member|application|category|status)", after, re.I)
        or _CONTEXT_AFTER.match(
            text, end, end + 25
        )  # languages that write it after the name: 'として', 'olarak'
    )


def _decide(mentions: list[tuple[int, Category, int]], text: str) -> Category | None:
    kinds = {category for _, category, _ in mentions}
    if not kinds:
        return None
    named = kinds | {category for _, category, _ in _mentions(text, _STRONG)}  # also out of context
    if len(named) > 1 and _UNDECIDED.search(text):
        return None
    if _in_a_list(mentions[-1], text):
        return None
    return mentions[-1][1]


# Between two names of a list of choices ('Certificate Issuer / Certificate Consumer oder Interested Party').
_LIST_GAP = re.compile(
    r"[\s/,|、・／()（）]*(?:or|and|oder|und|ou|et|o|y|e|of|en|eller|och|lub|nebo|veya|ili|または|或者|或|또는|및)?"
    r"[\s/,|、・／()（）]*"
)


def _in_a_list(chosen: tuple[int, Category, int], text: str) -> bool:
    """The chosen name is one of a list of different categories' names (choices, not a statement)."""
    names = sorted({(start, end): category for start, category, end in _mentions(text, _STRONG)}.items())
    starts = [start for (start, _), _ in names]
    if chosen[0] not in starts:
        return False
    index = starts.index(chosen[0])
    listed = {chosen[1]}
    while index > 0:
        (start, _), _ = names[index]
        (_, end), before = names[index - 1]
        if start - end > 12 or not _LIST_GAP.fullmatch(text, end, start):
            break
        listed.add(before)
        index -= 1
    return len(listed) > 1
