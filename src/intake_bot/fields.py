"""Pure: field statements as JSON values, and folding them into an application's current fields.

Statements are folded in order, each merged into the field's value by its item's rule (items.py),
so a later statement wins unless the rule says otherwise; staff corrections are folded last and
replace the value, so they win over anything extracted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from enum import Enum
from typing import Any

from .items import Fields as Fields  # what an application holds, by field
from .items import stored_items
from .records import Extraction

FINDINGS = "certificate_findings"  # what the certificate evidence holds: extracted, never set by staff
VOTING_NAME = "voting_name"  # not a field of its own: it marks one representative as the voting one


def field_names() -> tuple[str, ...]:
    """The fields an application holds (and staff may `set`), by export name."""
    return tuple(item.code for item in stored_items())


def statements(extraction: Extraction) -> list[tuple[str, Any]]:
    """(field, JSON value) for every field the message states."""
    out = [(name, as_json(value)) for name, value in extraction.stated().items()]
    if extraction.certificate_findings:
        out.append((FINDINGS, as_json(extraction.certificate_findings)))
    if extraction.voting_name:
        out.append((VOTING_NAME, extraction.voting_name))
    return out


def as_json(value: Any) -> Any:
    """A record's value as plain JSON: records become objects, tuples lists, enums their value."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, tuple | list):
        return [as_json(v) for v in value]
    if isinstance(value, Enum):
        return str(value.value)
    return value


def empty() -> Fields:
    current: Fields = {item.code: _copy(item.empty) for item in stored_items()}
    current[FINDINGS] = []
    return current


def fold(extracted: Iterable[tuple[str, Any]], staff: Iterable[tuple[str, Any]] = ()) -> Fields:
    current = empty()
    merges = {item.code: item.merge for item in stored_items()}
    for name, value in extracted:
        if name == VOTING_NAME:
            current["representatives"] = vote_by_name(current["representatives"], value)
        elif name == FINDINGS:
            current[name] = _merge_findings(current[name], value)
        elif name in merges:  # a field no longer catalogued is left out
            current[name] = merges[name](current[name], value)
    for name, value in staff:  # a correction replaces, it does not merge
        if name in current:
            current[name] = value
    return current


def _merge_findings(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    merged = {f["reference"]: f for f in old}
    merged.update((f["reference"], f) for f in new)
    return list(merged.values())


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def vote_by_name(reps: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """The one representative of that name (else of that first name) votes; no one, or two: unchanged."""
    wanted = name.casefold().split()

    def named(rep: dict[str, Any], words: list[str]) -> bool:
        return bool((rep.get("name") or "").casefold().split()[: len(words)] == words)

    found = [r for r in reps if named(r, wanted)] or [r for r in reps if named(r, wanted[:1])]
    if len(found) != 1:
        return reps
    return [dict(r, voting=r is found[0]) for r in reps]
