"""The working group a message names."""

from __future__ import annotations

import re

from .prefilter import guard

# (guarded: most texts name no working group, and these patterns would be tried at every letter)
_WORKING_GROUPS = (
    ("SMCWG", guard(r"\bSMC?WG\b|S/MIME\s+(?:Certificate\s+)?(?:Working\s+Group|WG)", re.I)),
    ("CSCWG", guard(r"\bCSC?WG\b|Code[\s-]+Signing\s+(?:Certificate\s+)?(?:Working\s+Group|WG)", re.I)),
    ("SCWG", guard(r"\bSCWG\b|Server\s+Certificate\s+(?:Working\s+Group|WG)", re.I)),
    (
        "NSWG",
        guard(r"\bNS(?:WG)?\b(?=.*WG)|Network\s+Security\s+(?:Working\s+Group|WG)|\bNetSec\b", re.I),
    ),
)


def working_groups_named(text: str) -> set[str]:
    """Every working group the text names."""
    return {name for name, pattern in _WORKING_GROUPS if pattern.search(text)}


def extract_working_group(body: str, subject: str) -> str | None:
    for text in (body, subject):
        hits = [(m.start(), name) for name, pattern in _WORKING_GROUPS for m in [pattern.search(text)] if m]
        if hits:
            return min(hits)[1]
    return None
