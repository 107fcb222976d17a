"""Pure: text from mail made harmless where it is kept and where it is shown.

Every value read from mail may carry control characters: C0 (ESC starts a terminal escape
sequence, CR overwrites a line), C1 (U+009B is a one-character CSI on some terminals) and the
bidi controls that make a file name read backwards (U+202E). They are removed before a value is
stored (`strip_controls`, `clean_value`: the schema's column types call them), and escaped
visibly on every output to a terminal (`escape_controls`, `escape_value`, `terminal_json`) for
values stored before they were removed. CSV cells that a spreadsheet would run as a formula are
neutralised (`csv_cell`).

A reply may go to whoever a forged From names, so what a reply repeats of the mail passes one rule,
here: an organisation name only when it reads as plain text (`plain_organization`), an attachment
never by its file name but by its position and kind (`describe_attachment`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from typing import Any

# C0 but tab and newline, DEL, C1, and the bidi controls (embeddings, overrides, isolates, marks).
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[{_CONTROLS}]")
_CONTROL_OR_TAB_NEWLINE = re.compile(f"[{_CONTROLS}\t\n]")
# OWASP's list: a cell beginning with one of these is a formula to Excel, LibreOffice or Sheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_ORGANIZATION_CHARS, _ORGANIZATION_WORDS, _ORGANIZATION_DIGITS = 80, 12, 4
_ORGANIZATION_PUNCTUATION = frozenset(" .,&'-()\u2019\u2010")  # the punctuation of legal forms
_ORGANIZATION_TOKEN = re.compile(r"[^\s,()&]+")
_DIGIT_RUN = re.compile(r"\d[\d\s().\-]*")  # a number as a phone number is written
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
_KINDS = (  # content type (detected from the bytes where possible) -> words; first match wins
    ("application/pdf", "a PDF"),
    ("image/", "an image"),
    ("x509", "a certificate file"),
    ("pkix", "a certificate file"),
    ("pkcs7", "a certificate file"),
    ("pem-file", "a certificate file"),
    ("msword", "a word-processor document"),
    ("wordprocessing", "a word-processor document"),
    ("opendocument.text", "a word-processor document"),
    ("rtf", "a word-processor document"),
)


def strip_controls(text: str) -> str:
    """The text without control characters (tab and newline stay)."""
    return _CONTROL.sub("", text)


def clean_value(value: Any) -> Any:
    """A JSON-like value with control characters removed from every string in it, keys included."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, dict):
        return {clean_value(k): clean_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_value(v) for v in value]
    return value


def escape_controls(text: str, one_line: bool = False) -> str:
    r"""The text with each control character written out ('\x1b', '\u202e'), so a terminal shows it
    instead of obeying it; `one_line` escapes tab and newline too (a table cell)."""
    pattern = _CONTROL_OR_TAB_NEWLINE if one_line else _CONTROL
    return pattern.sub(_escaped, text)


def escape_value(value: Any) -> Any:
    """`escape_controls` over every string of a row or a JSON-like value."""
    if isinstance(value, str):
        return escape_controls(value)
    if isinstance(value, dict):
        return {k: escape_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [escape_value(v) for v in value]
    return value


def terminal_json(value: Any) -> str:
    """JSON that is safe to print: control characters stay as JSON escapes (the data is unchanged)."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    # json.dumps escapes C0 itself; C1 and the bidi controls can only occur inside strings.
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def csv_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text: one that begins a formula gets a leading apostrophe
    (OWASP's advice; a phone number '+44 ...' then reads "'+44 ..."). Control characters are
    escaped, for values stored before they were removed."""
    if not isinstance(value, str):
        return value
    value = escape_controls(value)
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def plain_within(text: str, max_chars: int, max_words: int, allowed: Callable[[str], bool]) -> bool:
    """The shape every value we repeat to a sender must have: not empty, at most MAX_CHARS characters
    and MAX_WORDS words, a letter somewhere, and every character ALLOWED (or a combining mark)."""
    return (
        bool(text)
        and len(text) <= max_chars
        and len(text.split()) <= max_words
        and any(c.isalpha() for c in text)
        and all(allowed(c) or unicodedata.category(c).startswith("M") for c in text)
    )


def plain_organization(name: str | None) -> str:
    """The organisation name when it reads as plain text we may repeat to anyone, else "".

    Letters of any script, digits, spaces and the punctuation of legal forms (`.,&'-()`), at most
    80 characters and 12 words; no '@', no token that reads as a domain or URL (a period inside a
    word only in an abbreviation such as 'S.p.A.' or 'Ges.m.b.H.'), no run of more than four digits
    (a phone number). What fails is replaced by neutral words, never shown in part."""
    text = " ".join((name or "").split())
    if not plain_within(
        text,
        _ORGANIZATION_CHARS,
        _ORGANIZATION_WORDS,
        lambda c: c.isalnum() or c in _ORGANIZATION_PUNCTUATION,
    ):
        return ""
    if any(sum(c.isdigit() for c in m.group()) > _ORGANIZATION_DIGITS for m in _DIGIT_RUN.finditer(text)):
        return ""
    if not all(_abbreviation_or_word(token) for token in _ORGANIZATION_TOKEN.findall(text)):
        return ""
    return text


def _abbreviation_or_word(token: str) -> bool:
    """'Inc.', 'Corp.', 'S.p.A.', 'Ges.m.b.H.': yes; 'phish.example', 'x.io', 'bit.ly.': no.
    A domain ends in a label of two letters or more; an abbreviation's later parts are single letters."""
    parts = token.rstrip(".").split(".")
    if len(parts) == 1:
        return True
    first, *rest = parts
    return (
        token.endswith(".")
        and 0 < len(first) <= 3
        and all(p.isalpha() for p in parts)
        and all(len(p) == 1 for p in rest)
    )


def describe_attachment(position: int | None, content_type: str | None) -> str:
    """An attachment as a reply names it: 'the second attachment, a PDF'; never its file name,
    which the sender chose. `position` counts from 1 (0 or None: not known)."""
    kind = next((words for marker, words in _KINDS if marker in (content_type or "").lower()), "")
    if not position or position < 1:
        where = "one of the attachments"
    elif position <= len(_ORDINALS):
        where = f"the {_ORDINALS[position - 1]} attachment"
    else:
        where = f"attachment number {position}"
    return f"{where}, {kind}" if kind else where


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
