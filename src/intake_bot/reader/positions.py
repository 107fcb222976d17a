"""Numbered lists that mirror the web page's seven items: an unlabelled answer takes its item's field
(or the field its content plainly names)."""

from __future__ import annotations

import re
from dataclasses import replace

from .categories import category_in_value
from .certificates import fingerprints_in
from .contacts import emails_in, phone_in
from .emergency import EMERGENCY_PROSE
from .organisation import COMPANY
from .statements import Statement
from .urls import looks_like_audit, urls_in

_POSITIONAL = {
    1: "category",
    2: "organization",
    3: "website",
    4: "ipr",
    5: "representatives",
    6: "emergency",
    7: "audit+certificates",
}


def apply_positions(statements: list[Statement]) -> list[Statement]:
    """A numbered list mirroring the web page's seven items: unlabelled items take their item's field."""
    numbers = {s.number for s in statements if s.number}
    if len(numbers & set(range(1, 8))) < 4 or not {1, 2, 3} <= numbers:
        return statements
    out = []
    for s in statements:
        if s.number in _POSITIONAL and s.field in (None, "other", "sub"):
            value = s.value if s.field is None else f"{s.label}: {s.value}"
            field = (_field_by_content(value) if s.field is None else None) or _POSITIONAL[s.number]
            s = replace(s, field=field, value=value)
        out.append(s)
    return out


def _field_by_content(value: str) -> str | None:
    """What an unlabelled answer plainly is, whatever its place in the list (applicants reorder them):
    a category, links to certificates or an audit, addresses, a lone web address. None: undecided."""
    urls = urls_in(value)
    certs = bool(re.search(r"crt\.sh", value, re.I)) or bool(fingerprints_in(value))
    audit = any(looks_like_audit(u) for u in urls)
    if certs or audit:
        return "audit+certificates" if certs and audit else "certificates" if certs else "audit"
    addresses = emails_in(value)
    if addresses:
        emergency = EMERGENCY_PROSE.search(value) or re.match(
            r"(?:security|soc|incident|pki|abuse|cert)\b", value, re.I
        )
        return "emergency" if emergency or (len(addresses) == 1 and phone_in(value)) else "representatives"
    if len(value) <= 80 and category_in_value(value) and not urls:
        return "category"
    if len(urls) == 1 and len(value) <= len(urls[0]) + 10:
        return "website"
    if not urls and len(value.split()) <= 10 and COMPANY.search(value):
        return "organization"
    return None
