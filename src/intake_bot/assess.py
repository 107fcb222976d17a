"""Pure: which items an application still lacks, by a requirement profile per working group.

A profile is data: for each category, the item codes it requires. `None` is the profile used
while the category is unknown (the items required of everyone).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .fields import Fields
from .records import Assessment

EVERYONE = (
    "category",
    "organization_name",
    "website_url",
    "ipr_agreement",
    "representatives",
    "emergency_contact",
)
VOTING = (*EVERYONE[:5], "voting_representative", "emergency_contact")

Profile = Mapping[str | None, tuple[str, ...]]

PROFILES: dict[str, Profile] = {
    "SMCWG": {
        None: EVERYONE,
        "certificate_issuer": (*VOTING, "audit_report_url", "certificate_evidence"),
        "certificate_consumer": VOTING,
        "interested_party": EVERYONE,
        "associate_member": EVERYONE,
    },
}


def _has_emergency(f: Fields) -> bool:
    contact = f.get("emergency_contact") or {}
    return bool(contact.get("email") or contact.get("phone"))


def _has_voting(f: Fields) -> bool:
    return any(r.get("voting") for r in f.get("representatives") or [])


CHECKS: dict[str, Callable[[Fields], bool]] = {
    "category": lambda f: bool(f.get("category")),
    "organization_name": lambda f: bool(f.get("organization_name")),
    "website_url": lambda f: bool(f.get("website_url")),
    "ipr_agreement": lambda f: bool(f.get("ipr_agreement")),
    "representatives": lambda f: bool(f.get("representatives")),
    "voting_representative": _has_voting,
    "emergency_contact": _has_emergency,
    "audit_report_url": lambda f: bool(f.get("audit_report_url")),
    "certificate_evidence": lambda f: bool(f.get("certificate_evidence")),
}


def assess(
    fields: Fields, working_group: str = "SMCWG", profiles: Mapping[str, Profile] = PROFILES
) -> Assessment:
    profile = profiles.get(working_group) or profiles["SMCWG"]
    required = profile.get(fields.get("category")) or profile[None]
    return Assessment(missing=tuple(code for code in required if not CHECKS[code](fields)))


def profile_items(profiles: Mapping[str, Any] = PROFILES) -> set[str]:
    return {code for p in profiles.values() for items in p.values() for code in items}
