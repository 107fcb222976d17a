"""URLs: found (also bare domains), normalised, and judged (web site, audit report, crt.sh)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from .patterns import EMAIL, URL

_BARE_DOMAIN = re.compile(
    r"(?<![@\w.\-/])(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,24})(?::\d+)?(?:/[^\s<>\"'\])]*)?(?![\w@\-])",
    re.I,
)


_NOT_WEBSITE_HOST = re.compile(
    r"crt\.sh|cabforum\.org|webtrust|cpacanada|bugzilla|^(?:[\w-]+\.)*?(?:valid|revoked|expired)[-.]", re.I
)
AUDIT_PATH = re.compile(r"audit|attestation|seal|webtrust|\baal\b|etsi|report", re.I)


def not_website(url: str) -> bool:
    """crt.sh, the Forum, audit seals and reports are never the applicant's web site."""
    parts = urlsplit(url)
    return bool(_NOT_WEBSITE_HOST.search(parts.netloc) or AUDIT_PATH.search(parts.path + "?" + parts.query))


def normalise_url(url: str) -> str | None:
    """Scheme added (https) when missing, host lower-cased, default port and trailing punctuation dropped."""
    url = url.strip().strip("<>\"'()[]").rstrip(".,;:!?")
    if not url or "@" in url.split("/")[0]:
        return None
    if not re.match(r"[a-z][a-z0-9+.-]*://", url, re.I):
        url = "https://" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return None
    if "." not in host:
        return None
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, parts.fragment))


def urls_in(text: str, bare: bool = False) -> list[str]:
    """URLs in order (also bare domains when asked), normalised; e-mail domains are never URLs."""
    text = EMAIL.sub(" ", text)
    found = [(m.start(), m.group(0)) for m in URL.finditer(text)]
    if bare:
        spans = [(m.start(), m.end()) for m in URL.finditer(text)]
        for m in _BARE_DOMAIN.finditer(text):
            if not any(a <= m.start() < b for a, b in spans) and _looks_like_domain(m.group(0)):
                found.append((m.start(), m.group(0)))
    urls = [normalise_url(u) for _, u in sorted(found)]
    return [u for u in urls if u]


def _looks_like_domain(text: str) -> bool:
    host = text.split("/")[0].lower()
    tld = host.rsplit(".", 1)[-1]
    return not re.fullmatch(
        r"(?:pdf|docx?|png|jpe?g|pem|crt|cer|der|p7[bcs]|txt|zip|eml|html?)", tld
    ) and not re.match(r"(?:s\.r\.o|e\.g|i\.e|inc|ltd|co)\b", host)


def looks_like_audit(url: str) -> bool:
    parts = urlsplit(url)
    if re.search(r"crt\.sh|cabforum\.org", parts.netloc, re.I):
        return False
    return bool(
        re.search(r"webtrust|cpacanada", parts.netloc, re.I)
        or AUDIT_PATH.search(parts.path + "?" + parts.query)
    )
