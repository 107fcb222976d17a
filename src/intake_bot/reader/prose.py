"""Free prose: the sentences of the text that is not a labelled statement."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..records import ParsedEmail
from .statements import Statement


@dataclass(frozen=True)
class Sentence:
    pos: int
    text: str


def prose_sentences(body: str, statements: list[Statement]) -> list[Sentence]:
    """Sentences of the text that is not a labelled field statement."""
    taken = _taken_lines(body, statements)
    sentences: list[Sentence] = []
    for pos, paragraph in _paragraphs(body, taken):
        for offset, text in _split_sentences(paragraph):
            sentences.append(Sentence(pos + offset, text))
    return sentences


def _taken_lines(body: str, statements: list[Statement]) -> set[int]:
    taken: set[int] = set()
    for s in statements:
        if s.field in (None, "other", "sub"):
            continue
        line_start = body.count("\n", 0, s.pos)
        taken.update(range(line_start, line_start + 1 + s.value.count("\n")))
    return taken


def _paragraphs(body: str, taken: set[int]) -> list[tuple[int, str]]:
    paragraphs: list[tuple[int, str]] = []
    lines: list[str] = []
    start = pos = 0
    for index, line in enumerate(body.split("\n")):
        if not line.strip() or index in taken:
            if lines:
                paragraphs.append((start, " ".join(lines)))
            lines = []
        else:
            if not lines:
                start = pos
            lines.append(line.strip())
        pos += len(line) + 1
    if lines:
        paragraphs.append((start, " ".join(lines)))
    return paragraphs


# A title or an initial before a name ('Dr. Eva Lind', 'Ing. Petr Novák', 'E. Lind'): no sentence ends there.
_BEFORE_A_NAME = re.compile(
    r"(?:^|\s)(?:[A-Z]|Dr|Prof|Ing|Mgr|Dipl|Mag|Mr|Mrs|Ms|Mme|Mlle|Sr|Sra|Hr|Fr|St|Jr|Ph\.D|RNDr|JUDr|MUDr|PhDr)\.$"
)


def before_a_name(text: str, stop: int) -> bool:
    """Whether the full stop at text[stop] follows a title or an initial ('Dr.'), not a sentence's end."""
    return _BEFORE_A_NAME.search(text, max(0, stop - 8), stop + 1) is not None


# A sentence ends at a full stop, '!' or '?' (Arabic '؟' too) and a space before a capital, or a letter of
# a script without capitals (Arabic, Hebrew, Thai, Han ...); at '。', '！', '？' with or without a space.
_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+(?=[\"'(«„“]?\w)|(?<=[。！？])\s*(?=\S)")


def _starts_a_sentence(char: str) -> bool:
    return char in "\"'(«„“" or (char.isalpha() and not char.islower()) or "\u00c0" <= char <= "\u017f"


def _split_sentences(paragraph: str) -> list[tuple[int, str]]:
    out = []
    start = 0
    for match in _SENTENCE_END.finditer(paragraph):
        if match.end() >= len(paragraph) or not _starts_a_sentence(paragraph[match.end()]):
            continue
        if _BEFORE_A_NAME.search(paragraph, max(start, match.start() - 8), match.start()):
            continue
        out.append((start, paragraph[start : match.start()]))
        start = match.end()
    out.append((start, paragraph[start:]))
    return [(offset, text) for offset, text in out if text.strip()]


# '?', the full-width and the Arabic question marks, the Greek one (';', also written as a semicolon).
_QUESTION = re.compile(r"[?？؟\u037e]\W*$|(?<=[\u0370-\u03ff\u1f00-\u1fff])\W{0,3};\W*$")


def is_question(text: str) -> bool:
    return _QUESTION.search(text) is not None


def is_reply(parsed: ParsedEmail) -> bool:
    return bool(parsed.in_reply_to or re.match(r"\s*(?:re|aw|sv|antw|fwd?|wg)\s*:", parsed.subject, re.I))
