"""Pure: links written so that a reader of the text sees them (words<URL>, wrappers, mailto).

Outlook's plain text writes a hyperlink as its words followed by the target in angle brackets
('our main website<https://acme.example/>', 'Jane Doe<mailto:jane@acme.example>'), and parse
writes HTML links the same way. The target is the data: `expose` rewrites each such link into
the plain forms the readers know ('our main website (https://acme.example/)', 'Jane Doe
<jane@acme.example>'), unwraps URL-defence wrappers everywhere in the text, drops a target that
only repeats its words and drops wrappers that do not say where they lead.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from .unwrap import opaque, unwrap

MAX_LINKS = 2000  # links rewritten in one text; past that the text is left as written

# 'words<https://...>' / 'words<mailto:...>': the target right after the words, no space between
_TARGET = re.compile(r"<(?P<url>(?:https?://|mailto:)[^\s<>\"]{1,8192})>", re.I)
_URL = re.compile(r"\bhttps?://[^\s<>\"'()\[\]]{1,8192}", re.I)


def expose(text: str) -> str:
    """The text with every link's target written where the reader looks for it."""
    if "://" not in text and "mailto:" not in text.lower():
        return text
    pieces: list[str] = []
    last = 0
    for count, match in enumerate(_TARGET.finditer(text)):
        if count >= MAX_LINKS:
            break
        before = text[last : match.start()]
        pieces += [
            before,
            _shown(_last_word(text[max(0, match.start() - 8192) : match.start()]), match.group("url")),
        ]
        last = match.end()
    pieces.append(text[last:])
    return _unwrap_bare("".join(pieces))


def _last_word(before: str) -> str:
    """The word the target is glued to ('' when a space stands between)."""
    return "" if not before or before[-1].isspace() else before.split()[-1]


def _shown(shown: str, url: str) -> str:
    """What stands after the words for a target: nothing when the words already show it."""
    if url.lower().startswith("mailto:"):
        address = unquote(url[7:].split("?", 1)[0]).strip()
        if not address or "@" not in address or address.lower() in shown.lower():
            return ""
        return f" <{address}>"
    target = unwrap(url)
    if opaque(target) or _same(shown, target):
        return ""
    return f" ({target})"


def _same(words: str, target: str) -> bool:
    """Words that are the target's address (unwrapped, give or take the scheme and a final '/')."""
    found = _URL.search(words) or re.search(r"\bwww\.\S+", words)
    return found is not None and _key(unwrap(found.group(0))) == _key(target)


def _key(url: str) -> str:
    return re.sub(r"^https?://", "", url.strip().rstrip(".,;:"), flags=re.I).rstrip("/").lower()


def _unwrap_bare(text: str) -> str:
    """Wrapped addresses written out in the text: their targets; opaque ones (and their brackets) go."""

    def replaced(match: re.Match[str]) -> str:
        url = match.group(0)
        return "" if opaque(url) else unwrap(url)

    if not any(marker in text for marker in ("urldefense", "safelinks", "mimecast", "cudasvc", "google.")):
        return text
    text = _URL.sub(replaced, text)
    return re.sub(r"\s*\(\s*\)", "", text)
