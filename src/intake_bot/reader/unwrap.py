"""Pure: the address behind a URL-defence wrapper (Proofpoint, Microsoft Safe Links, ...).

Mail gateways rewrite every link into one of their own that leads through a checking service;
applicants then paste those links into their application. The address they mean is inside the
wrapper: unwrap first, then judge the address. Wrappers whose target is not written in them
(Mimecast's short links) cannot be unwrapped: `opaque` tells them, so that they are never taken
for the applicant's own link.
"""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import parse_qs, unquote, urlsplit

MAX_URL = 8192  # longer is no link a person pasted
MAX_DEPTH = 3  # a wrapper inside a wrapper (two gateways) inside a wrapper

# Proofpoint URL Defense v3: https://urldefense.com/v3/__<url>__;<base64 of replaced bytes>!!<ids>$
_PROOFPOINT_V3 = re.compile(
    r"https?://urldefense(?:\.proofpoint)?\.com/v3/__(?P<url>.+?)__;(?P<bytes>[^!]*)!", re.I
)
_V3_TOKEN = re.compile(r"\*\*[A-Za-z0-9_-]|\*")
_V3_RUNS = {c: n for n, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 2)}
# Proofpoint v1/v2: https://urldefense.proofpoint.com/v2/url?u=<encoded url>&d=...
_PROOFPOINT_V12 = re.compile(r"urldefense(?:\.proofpoint)?\.com$", re.I)
_V2_CODE = str.maketrans("-_", "%/")

# Hosts whose query names the target (parameter): Microsoft Safe Links, Barracuda, Google's redirect.
_QUERY_WRAPPERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?:^|\.)safelinks\.protection\.(?:outlook\.com|office365\.us)$", re.I), "url"),
    (re.compile(r"^linkprotect\.cudasvc\.com$", re.I), "a"),
    (re.compile(r"^(?:www\.)?google\.[a-z.]{2,6}$", re.I), "q"),  # only its /url redirect, below
)
# Wrappers that do not carry the target: Mimecast's short links.
_OPAQUE_HOST = re.compile(r"(?:^|\.)(?:protect-[a-z]{2,4}\.mimecast\.com|mimecastprotect\.com)$", re.I)


def unwrap(url: str) -> str:
    """The address the wrapper leads to (wrappers within wrappers too); the URL itself otherwise."""
    for _ in range(MAX_DEPTH):
        inner = _unwrap_once(url)
        if inner is None or inner == url:
            return url
        url = inner
    return url


def opaque(url: str) -> bool:
    """A link-protection address that does not say where it leads (Mimecast): never the data itself."""
    return bool(_OPAQUE_HOST.search(_host(url)))


def _unwrap_once(url: str) -> str | None:
    if len(url) > MAX_URL or not url.lower().startswith(("http://", "https://")):
        return None
    v3 = _PROOFPOINT_V3.match(url)
    if v3:
        return _proofpoint_v3(v3.group("url"), v3.group("bytes"))
    host = _host(url)
    if _PROOFPOINT_V12.search(host):
        return _proofpoint_v12(url)
    for pattern, parameter in _QUERY_WRAPPERS:
        if pattern.search(host):
            if parameter == "q" and urlsplit(url).path != "/url":
                return None
            return _query_target(url, parameter)
    return None


def _proofpoint_v3(inner: str, encoded: str) -> str | None:
    """'*' stands for one replaced character, '**X' for a run of them; the characters are in the
    base64 part, in order."""
    try:
        replaced = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    taken = 0
    pieces: list[str] = []
    last = 0
    for token in _V3_TOKEN.finditer(inner):
        count = 1 if token.group(0) == "*" else _V3_RUNS[token.group(0)[2]]
        if taken + count > len(replaced):
            return None  # the wrapper is damaged: not a link we can trust
        pieces += [inner[last : token.start()], replaced[taken : taken + count]]
        taken += count
        last = token.end()
    pieces.append(inner[last:])
    return _plausible("".join(pieces))


def _proofpoint_v12(url: str) -> str | None:
    values = parse_qs(urlsplit(url).query).get("u")
    if not values:
        return None
    path = urlsplit(url).path.lower()
    target = values[0] if path.startswith("/v1/") else unquote(values[0].translate(_V2_CODE))
    return _plausible(target)


def _query_target(url: str, parameter: str) -> str | None:
    values = parse_qs(urlsplit(url).query).get(parameter)
    return _plausible(values[0]) if values else None


def _plausible(target: str) -> str | None:
    """Only a web address comes out of a wrapper (never 'javascript:' or a bare word)."""
    target = target.strip()
    return target if re.match(r"https?://[^\s/]", target, re.I) and len(target) <= MAX_URL else None


def _host(url: str) -> str:
    try:
        return (urlsplit(url[:MAX_URL]).hostname or "").lower()
    except ValueError:
        return ""
