"""Pure: the new text of one message body.

Quoted replies ('>' lines, "On ... wrote:" attributions, Outlook and other reply headers and all
below them), signature blocks and legal disclaimers are never new data; what is left is what the
extractor reads.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .reader.prefilter import Matcher

_DISCLAIMER = re.compile(
    r"^\s*+\**+\s*+(?:confidential(?:ity)?(?:\s+(?:notice|note|statement))?\s*[:\-]|disclaimer\b|caution\s*:|"
    r"important(?:\s+notice)?\s*:|privileged\b|this (?:e-?mail|message|communication)\b.{0,80}?"
    r"\b(?:confidential|intended (?:solely|only)|privileged)|the information (?:contained )?in this "
    r"(?:e-?mail|message)|please consider the environment|sent from my\b|get outlook for\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Patterns:
    """The lexicon's reply-header words and sign-offs (every language, reader/lexicon/*.toml) as the
    patterns this module matches lines with."""

    wrote: re.Pattern[str]  # 'On <date>, <name> wrote:'
    original: re.Pattern[str]  # '-----Original Message-----'
    forwarded: re.Pattern[str]  # '---------- Forwarded message ---------'
    header_line: re.Pattern[str]  # 'From: ...', the first line of a quoted header block
    header_next: re.Pattern[str]  # 'Sent:', 'To:', 'Subject:' ... below it
    sign_off: re.Pattern[str]  # a line that is only 'Kind regards,'
    strong_label: Matcher  # what only an application says: no signature below a closing has it
    strong_english: re.Pattern[str]  # ... in English (strong_label has the lexicon's labels, one trie)


@functools.cache
def _patterns() -> _Patterns:
    # Imported here, not at the top: the reader package imports this module, and the lexicon lives there.
    from .reader.lexicon import LEXICON, compile_terms

    reply = LEXICON.reply
    # Whitespace at a line's start or end is [^\S\n] (not \s, which runs on over blank lines: tried at every
    # line start of a run of blank lines, that was quadratic), and possessive where a pattern follows it.
    blanks, spaces = r"[^\S\n]+", r"\s+"
    wrote = "|".join(
        rf"{_words(opening, blanks)}\b.{{0,200}}?\b{_words(verb, spaces)}\b.{{0,100}}?:"
        for opening, verb in sorted(set(reply["attribution"]))
    )
    forwarded = _one_of(reply["forwarded"])
    strong = ("category", "representatives", "emergency", "audit")
    return _Patterns(
        wrote=re.compile(rf"^[^\S\n]*+(?:{wrote})[^\S\n]*$", re.IGNORECASE | re.MULTILINE | re.DOTALL),
        original=re.compile(
            rf"^[^\S\n]*+(?:-{{2,}}+\s*+(?:{_one_of(reply['original'])})\s*+-{{2,}}+|_{{10,}}+)[^\S\n]*$",
            re.IGNORECASE | re.MULTILINE,
        ),
        forwarded=re.compile(
            rf"^\s*(?:-{{2,}}\s*(?:{forwarded})\s*-{{2,}}|(?:{forwarded})\s*:)\s*$", re.IGNORECASE
        ),
        header_line=re.compile(rf"^\s*+\**+(?:{_one_of(reply['from'])})\s*+[:：]\**+\s*+\S", re.IGNORECASE),
        header_next=re.compile(rf"^\s*+\**+(?:{_one_of(reply['fields'])})\s*[:：]", re.IGNORECASE),
        sign_off=re.compile(rf"^\s*+(?:{LEXICON.word_sources['sign_off']})\s*+[,.!。！]?\s*$"),
        strong_label=compile_terms(term for field in strong for term in LEXICON.label_terms[field]),
        strong_english=re.compile(_STRONG_LABEL, re.IGNORECASE),
    )


# What only an application says (besides the lexicon's labels for these fields, in every language):
# a closing line above it is no sign-off of the mail.
_STRONG_LABEL = (
    r"categor|representative|emergency|incident|audit|webtrust|etsi|crt\.sh|organi[sz]ation\s*(?:name)?\s*:"
    r"|our (?:web ?site|homepage)"
)


def _words(term: str, space: str) -> str:
    return re.escape(term).replace(r"\ ", space)


def _one_of(terms: Iterable[str]) -> str:
    """Terms as an alternation, longest first; a space in a term matches any run of blanks, or none
    ('보낸사람' as well as '보낸 사람')."""
    return "|".join(_words(term, r"\s*") for term in sorted(set(terms), key=len, reverse=True))


def strip_quoted(text: str) -> str:
    """The new text of a reply: no '>' lines, no attribution lines, nothing under a reply header."""
    text = _drop_attributions(_unwrap_forwards(text.replace("\r\n", "\n")))
    text = _cut_at_reply_header(text)
    return "\n".join(line for line in text.split("\n") if not line.lstrip().startswith(">"))


def _unwrap_forwards(text: str) -> str:
    """A forwarded message is new to us, unlike a quoted one: its marker line and header block go
    (they would read as a reply header), its text stays."""
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if ("--" in line or ":" in line) and _patterns().forwarded.match(line):
            start = index
            index += 1
            patterns = _patterns()
            while index < len(lines) and (
                patterns.header_line.match(lines[index]) or patterns.header_next.match(lines[index])
            ):
                index += 1
            if any(_OUR_REFERENCE.search(line) for line in lines[start:index]):
                return "\n".join(out)  # our own reply, forwarded back: old text, like a quote
            continue
        out.append(lines[index])
        index += 1
    return "\n".join(out)


_OUR_REFERENCE = re.compile(r"\[[A-Z]{2,8}-\d{4}-\d{4,}\]")  # in the subject of every reply we send


def _drop_attributions(text: str) -> str:
    """'On ... wrote:' above '>' lines is dropped (answers may follow below); above plain text it ends the reply."""
    kept = []
    start = 0
    for match in _patterns().wrote.finditer(text):
        kept.append(text[start : match.start()])
        if not _quoted_below(text, match.end()):
            return "".join(kept)  # un-prefixed quote: everything below is the old message
        start = match.end()
    kept.append(text[start:])
    return "".join(kept)


def _quoted_below(text: str, index: int) -> bool:
    """Whether the first line with content after `index` is quoted ('>')."""
    found = _CONTENT.search(text, index)
    return found is None or found.group() == ">"


_CONTENT = re.compile(r"\S")


def _cut_at_reply_header(text: str) -> str:
    cuts = [len(text)]
    original = _patterns().original.search(text)
    if original:
        cuts.append(original.start())
    cuts.append(_outlook_header_start(text))
    cuts.append(_library_header_start(text))
    return text[: min(cuts)]


def _outlook_header_start(text: str) -> int:
    """'From: ...' followed within three lines by 'Sent:'/'Date:'/'To:'/'Subject:' opens a quoted message."""
    lines = text.split("\n")
    offset = 0
    for index, line in enumerate(lines):
        if _is_header_block(lines, index):
            return offset
        offset += len(line) + 1
    return len(text)


def _is_header_block(lines: list[str], index: int) -> bool:
    """'From: ...' followed within three lines by 'Sent:'/'Date:'/'To:'/'Subject:' (in any language)."""
    if ":" not in lines[index] and "：" not in lines[index]:
        return False  # most lines: no pattern tried
    patterns = _patterns()
    return bool(patterns.header_line.match(lines[index])) and any(
        patterns.header_next.match(nxt) for nxt in lines[index + 1 : index + 4]
    )


_LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "cs", "pl", "sv", "da"]


_LIBRARY_TRIES = 200  # windows a message may cost: a pattern costs up to the square of a line's length


def _library_header_start(text: str) -> int:
    """mail-parser-reply's multi-language reply headers, where what it found is a real header.

    Tried on short windows of lines ending in or holding a colon (its patterns are slow on long lines),
    and on the first _LIBRARY_TRIES of them only: 'On a a a ... :' lines make each try cost thousands
    of steps, and a real reply header comes before any number of such lines."""
    pattern = _library_header_pattern()
    if pattern is None:
        return len(text)
    lines = text.split("\n")
    offset = 0
    tries = 0
    for index, line in enumerate(lines):
        if ":" in line and len(line) <= 300:
            tries += 1
            if tries > _LIBRARY_TRIES:
                break
            window = "\n".join(lines[index : index + 6])
            match = _safe_match(pattern, window)
            if match and _is_reply_header(match.group(0)) and not _quoted_below(text, offset + match.end()):
                return offset + match.start()
        offset += len(line) + 1
    return len(text)


@functools.cache
def _library_header_pattern() -> re.Pattern[str] | None:
    try:
        from mailparser_reply.parser import EmailMessage

        pattern: re.Pattern[str] = EmailMessage(text="", languages=list(_LANGUAGES)).HEADER_REGEX
        return pattern
    except MemoryError:
        raise
    except Exception:  # the library is a help, never a point of failure
        return None


def _safe_match(pattern: re.Pattern[str], window: str) -> re.Match[str] | None:
    """A match at the window's start only: match(), not search() (its ^ is MULTILINE: search would try
    every line of the window, to throw those matches away)."""
    try:
        return pattern.match(window[:2000])
    except MemoryError:
        raise
    except Exception:
        return None


def _is_reply_header(found: str) -> bool:
    lines = [line for line in found.split("\n") if line.strip()]
    if len(lines) == 1:
        return bool(re.search(r":\s*$", lines[0]))  # an attribution line ("... wrote:")
    patterns = _patterns()
    return bool(
        patterns.header_line.match(lines[0]) and any(patterns.header_next.match(line) for line in lines[1:])
    )


def strip_signature(text: str, from_name: str = "") -> str:
    """Cut at '-- ', at a closing line ('Regards,') and at legal disclaimers."""
    lines = text.split("\n")
    closing_from = _closing_from(lines)
    sign_off = _patterns().sign_off
    for index, line in enumerate(lines):
        if line.rstrip() in ("--", "-- ", "—") or _DISCLAIMER.match(line):
            return "\n".join(lines[:index])
        if index >= closing_from and sign_off.match(line):
            return "\n".join(lines[:index])
    return _drop_trailing_name_block(lines, from_name)


def _closing_from(lines: list[str]) -> int:
    """The first line a closing may stand on: below it at most 25 lines of content, and none of them
    what only an application says. Found once, from the end (a mail of 'Regards,' lines must not
    read the rest of itself at each)."""
    content = 0
    strong_label, strong_english = _patterns().strong_label, _patterns().strong_english
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if not line.strip():
            continue
        content += 1
        if content > 25 or strong_english.search(line) or strong_label.search(line):
            return index
    return 0


def _drop_trailing_name_block(lines: list[str], from_name: str) -> str:
    """A last paragraph opening with the sender's own name is a signature."""
    name = from_name.strip().casefold()
    if name:
        for index in range(len(lines) - 1, -1, -1):
            if lines[index].strip().casefold() == name and (index == 0 or not lines[index - 1].strip()):
                return "\n".join(lines[:index])
            if not lines[index].strip() and index < len(lines) - 12:
                break
    return "\n".join(lines)


def evidence_free(text: str) -> str:
    """The body without pasted PEM blocks (their base64 lines are noise for the field readers)."""
    return _PEM_ANY.sub(" ", text)


# A block ends at its END line, and never runs past the next BEGIN: '.*?' alone scanned on to the end
# of the text from every BEGIN that no END follows (quadratic in the number of BEGIN lines).
_PEM_ANY = re.compile(
    r"-----BEGIN [A-Z0-9 ]++-----(?:(?!-----BEGIN )(?:[^-]++|-))*?-----END [A-Z0-9 ]++-----"
)


def tidy(text: str) -> str:
    """Inline image tags and invisible characters dropped (links' targets: reader.links, before)."""
    text = re.sub(r"\[cid:[^\[\]]*\]", "", text)  # not '[^\]]*': every unclosed '[cid:' scanned to the end
    return re.sub(r"[\u200b\u200c\u200d\ufeff\u00ad]", "", text).replace("\u00a0", " ")


def header_block_senders(text: str, max_chars: int = 200_000) -> list[str]:
    """The From values of the header blocks in a text ('From: ...' with 'Sent:'/'Date:'/'To:'/
    'Subject:' in the next three lines: a forwarded or quoted message), first first."""
    lines = text[:max_chars].split("\n")
    senders = []
    for index, line in enumerate(lines):
        if _is_header_block(lines, index):
            senders.append(line.split(":", 1)[1].strip(" \t*"))
    return senders
