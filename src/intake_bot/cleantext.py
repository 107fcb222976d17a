"""Pure: text from mail made harmless where it is kept and where it is shown.

Every value read from mail may carry control characters: C0 (ESC starts a terminal escape
sequence, CR overwrites a line), C1 (U+009B is a one-character CSI on some terminals) and the
bidi controls that make a file name read backwards (U+202E). They are removed before a value is
stored (`strip_controls`, `clean_value`: the schema's column types call them), and escaped
visibly on every output to a terminal (`escape_controls`, `escape_value`, `terminal_json`) for
values stored before they were removed. CSV cells that a spreadsheet would run as a formula are
neutralised (`csv_cell`).
"""

from __future__ import annotations

import json
import re
from typing import Any

# C0 but tab and newline, DEL, C1, and the bidi controls (embeddings, overrides, isolates, marks).
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[{_CONTROLS}]")
_CONTROL_OR_TAB_NEWLINE = re.compile(f"[{_CONTROLS}\t\n]")
# OWASP's list: a cell beginning with one of these is a formula to Excel, LibreOffice or Sheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
