"""The audit report URL: labelled, in prose about an audit, or any URL that looks like a report or seal."""

from __future__ import annotations

import re

from .prose import Sentence
from .statements import Statement, latest, of
from .urls import looks_like_audit, urls_in

_AUDIT_PROSE = re.compile(
    r"audit|webtrust|web trust|\betsi\b|attestation|\bseal\b|conformity assessment", re.I
)


def extract_audit(statements: list[Statement], sentences: list[Sentence], body: str) -> str | None:
    candidates: list[tuple[int, str | None]] = [(s.pos, audit_in(s.value)) for s in of(statements, "audit")]
    candidates += [(s.pos, audit_in(s.text)) for s in sentences if _AUDIT_PROSE.search(s.text)]
    found = latest(candidates)
    if found:
        return found
    return next((u for u in urls_in(body) if looks_like_audit(u)), None)


def audit_in(value: str) -> str | None:
    urls = [u for u in urls_in(value) if not re.search(r"crt\.sh|cabforum\.org", u, re.I)]
    preferred = [u for u in urls if looks_like_audit(u)]
    return next(iter(preferred or urls), None)
