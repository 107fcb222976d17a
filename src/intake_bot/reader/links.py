"""Pure: links written so that a reader of the text sees them (words<URL>, wrappers, mailto).

Outlook's plain text writes a hyperlink as its words followed by the target in angle brackets
('our main website<https://acme.example/>', 'Jane Doe<mailto:jane@acme.example>'), and parse
writes HTML links the same way. The target is the data: `expose` rewrites each such link into
the plain forms the readers know ('our main website (https://acme.example/)', 'Jane Doe
<jane@acme.example>'), unwraps URL-defence wrappers everywhere in the text, drops a target that
only repeats its words and drops wrappers that do not say where they lead.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import unquote

from ..parse import html_tree
from .lexicon import unspaced
from .unwrap import opaque, unwrap

MAX_LINKS = 2000  # links rewritten in one text; past that the text is left as written
MAX_HTML_LINKS = 200  # links of the HTML part looked for in the text part
MAX_HTML_CHARS = 2 * 1024 * 1024  # larger HTML is not parsed for links (parse lays it out no further either)

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


# An HTML link's target as the markup writes it (what the text part may have dropped)
_HREF = re.compile(r"""href\s*=\s*["']?\s*((?:https?://|mailto:)[^"'\s<>]{1,8192})""", re.I)


def with_html_links(text: str, html: str) -> str:
    """The text part with the targets only its HTML part shows: a mail client writes a link's words in
    the text part and drops the target ('see our home page', a name for a mailto link). Each such link's
    target goes after its words, in Outlook's 'words<target>' form that `expose` reads; the links are
    found in the text in the order the HTML gives them, so that 'example 1' and 'example 2' or two
    'here's each get their own."""
    if not html or "href" not in html or len(html) > MAX_HTML_CHARS:
        return text
    folded = text.lower()
    if all(_written(_bare(href), folded) for href in _HREF.findall(html)[:MAX_HTML_LINKS]):
        return text  # every target is in the text already (or there is none)
    pieces: list[str] = []
    cursor = 0
    for words, href in html_links(html):
        bare = _bare(href)
        if _written(bare, folded) or _written(bare, words.lower()):
            continue
        found = _words_pattern(words).search(text, cursor)
        if found is None or text.startswith("<", found.end()):
            continue
        pieces += [text[cursor : found.end()], f"<{href}>"]
        cursor = found.end()
    return "".join(pieces) + text[cursor:]


@functools.lru_cache(maxsize=4)  # read for the text's link targets and for the organisation's name
def html_links(html: str) -> tuple[tuple[str, str], ...]:
    """(words, target) of each http(s)/mailto link in the HTML, in order; () when it cannot be parsed."""
    if not html or "href" not in html.lower() or len(html) > MAX_HTML_CHARS:
        return ()
    try:
        tree = html_tree(html)
        links = []
        for link in tree.iter("a"):
            href = (link.get("href") or "").strip()
            words = " ".join(link.text_content().split())
            if _HREF.fullmatch(f'href="{href}') and 0 < len(words) <= 200:
                links.append((words, href))
            if len(links) >= MAX_HTML_LINKS:
                break
        return tuple(links)
    except MemoryError:
        raise
    except (Exception, RecursionError):  # lxml on hostile markup: no links
        return ()


def _words_pattern(words: str) -> re.Pattern[str]:
    """The link's words as the text part writes them: any run of white space between them, and whole
    words where the script has word boundaries."""
    body = r"\s+".join(map(re.escape, words.split()))
    start = "" if unspaced(words[0]) else r"(?<!\w)"
    end = "" if unspaced(words[-1]) else r"(?!\w)"
    return re.compile(start + body + end)


def _bare(href: str) -> str:
    """The target without its scheme, a mailto's parameters or a final '/': how a text may write it."""
    if href.lower().startswith("mailto:"):
        return unquote(href[7:].split("?", 1)[0]).strip().lower()
    return re.sub(r"^https?://", "", href, flags=re.I).rstrip("/").lower()


def _written(bare: str, folded: str) -> bool:
    """Whether the (lower-case) text writes this target itself, not only a longer address that starts so."""
    if bare not in folded:
        return False
    return re.search(re.escape(bare) + r"/?(?![\w/?#%&=.-])", folded) is not None
