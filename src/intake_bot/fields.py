"""Pure: field statements as JSON values, and folding them into an application's current fields.

Statements are folded in order, so a later statement wins; staff corrections are folded
last and so win over anything extracted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from .records import Extraction

FIELDS = (
    "category",
    "organization_name",
    "website_url",
    "representatives",
    "emergency_contact",
    "audit_report_url",
    "certificate_evidence",
    "ipr_agreement",
    "test_websites",
)
DETAILS = ("certificate_findings",)  # what the evidence holds: extracted, never set by staff

Fields = dict[str, Any]


def statements(extraction: Extraction) -> list[tuple[str, Any]]:
    """(field, JSON value) for every field the message states."""
    out = []
    for name, value in extraction.stated().items():
        if name == "representatives":
            value = [asdict(r) for r in value]
        elif name in ("emergency_contact", "ipr_agreement", "test_websites"):
            value = asdict(value)
        elif name == "certificate_evidence":
            value = list(value)
        else:
            value = str(value)
        out.append((name, value))
    if extraction.certificate_findings:
        out.append(("certificate_findings", [asdict(f) for f in extraction.certificate_findings]))
    if extraction.voting_name:
        out.append(("voting_name", extraction.voting_name))
    return out


def empty() -> Fields:
    return {
        "category": None,
        "organization_name": None,
        "website_url": None,
        "representatives": [],
        "emergency_contact": None,
        "audit_report_url": None,
        "certificate_evidence": [],
        "ipr_agreement": None,
        "test_websites": None,
        "certificate_findings": [],
    }


def fold(extracted: Iterable[tuple[str, Any]], staff: Iterable[tuple[str, Any]] = ()) -> Fields:
    current = empty()
    for name, value in extracted:
        if name == "voting_name":  # not a field of its own: it marks a representative
            current["representatives"] = vote_by_name(current["representatives"], value)
        else:
            current[name] = _merge(name, current[name], value)
    for name, value in staff:  # a correction replaces, it does not merge
        if name in current:
            current[name] = value
    return current


def _merge(name: str, old: Any, new: Any) -> Any:
    if name == "certificate_evidence":
        return list(dict.fromkeys([*(old or []), *new]))
    if name == "representatives":
        return _merge_representatives(old or [], new)
    if name == "emergency_contact" and old:
        return {k: new.get(k) or old.get(k) for k in ("name", "email", "phone")}
    if name == "test_websites" and old:
        return {k: new.get(k) or old.get(k) for k in ("valid", "revoked", "expired")}
    if name == "certificate_findings":
        merged = {f["reference"]: f for f in old or []}
        merged.update((f["reference"], f) for f in new)
        return list(merged.values())
    if name == "ipr_agreement" and old and ipr_rank(new) < ipr_rank(old):
        return old  # a later, worse document does not undo a good one
    return new


def ipr_rank(value: dict[str, Any]) -> tuple[int, tuple[int, ...]]:
    """Complete agreement > scan > flawed agreement > other document; then the newer policy version."""
    kind, problems = value.get("kind", "ipr_agreement"), value.get("problems") or []
    rank = (
        3
        if kind == "ipr_agreement" and not problems
        else 2
        if kind == "scan"
        else int(kind == "ipr_agreement")
    )
    version = tuple(int(p) for p in str(value.get("version") or "0").split(".") if p.isdigit())
    return rank, version


def vote_by_name(reps: list[dict], name: str) -> list[dict]:
    """The one representative of that name (else of that first name) votes; no one, or two: unchanged."""
    wanted = name.casefold().split()

    def named(rep: dict, words: list[str]) -> bool:
        return (rep.get("name") or "").casefold().split()[: len(words)] == words

    found = [r for r in reps if named(r, wanted)] or [r for r in reps if named(r, wanted[:1])]
    if len(found) != 1:
        return reps
    return [dict(r, voting=r is found[0]) for r in reps]


def _merge_representatives(old: list[dict], new: list[dict]) -> list[dict]:
    """Representatives are merged by email; a newly named voting representative replaces the old one."""
    new_voting = any(r.get("voting") for r in new)
    merged = {r["email"].lower(): dict(r, voting=bool(r.get("voting")) and not new_voting) for r in old}
    for rep in new:
        key = rep["email"].lower()
        before = merged.get(key, {})
        merged[key] = {
            "name": rep.get("name") or before.get("name"),
            "email": rep["email"],
            "voting": bool(rep.get("voting")),
        }
    return list(merged.values())
