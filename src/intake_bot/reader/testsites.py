"""The three test web sites (valid, revoked, expired) a Server Certificate WG applicant gives."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..records import IssuerTestSites
from .statements import Statement, of
from .urls import urls_in

_SITE_WORD = re.compile(r"\b(valid|revoked|expired)\b", re.I)
_SITE_HOST = re.compile(r"^(?:https?://)?(?:[\w-]+\.)*?(valid|revoked|expired)[-.]", re.I)


def extract_test_websites(statements: list[Statement], body: str) -> IssuerTestSites | None:
    """The three test sites (valid, revoked, expired): labelled, or told by their host names."""
    found: dict[str, str] = {}
    labelled = [f"{s.label}: {s.value}" for s in of(statements, "testsites")]
    for line in "\n".join(labelled).split("\n") + body.split("\n"):
        in_list = any(line in text for text in labelled)
        for url in urls_in(line):
            state = _site_state(line, url, in_list)
            if state and state not in found:
                found[state] = url
    return IssuerTestSites(**found) if found else None


def _site_state(line: str, url: str, labelled: bool) -> str | None:
    host = _SITE_HOST.match(url)
    if host:
        return host.group(1).lower()
    at = line.lower().find((urlsplit(url).hostname or url).lower())
    before = line[:at] if at >= 0 else line
    words = _SITE_WORD.findall(before)
    if words and (labelled or re.search(r"test|site|page", line, re.I)):
        return str(words[-1]).lower()
    return None
