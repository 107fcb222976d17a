"""Pure: the catalogue of application items, and the working groups' requirement profiles.

An item is something an application must show (its organisation's name, a signed IPR agreement ...).
Each is defined here once: its code, the label staff read, its short name in `status`, the shape staff
`set` it in, how the statements of several messages merge into its value, and how to tell whether it
is there. Its reply wording is the entry of the same code in the templates' `_facts.j2` (HELP), which
`config check` and a test hold to this catalogue. fields, assess, status, export, detail, corrections
and the templates read it; none of them names an item but where it has special knowledge of it.

Items the reader's Extraction does not hold carry their own `reader`: a function of the message's
text (reader.Text) that returns the item's JSON value, or None when the message does not state it.
The reader runs in the worker process, which imports this module: an item with a reader is read
only when it is in CATALOGUE there too (defined in this module, or a module the worker imports).

A profile names, for each category, the items a working group requires (None: while the category is
unknown). The built-in ones are PROFILES; the configuration may change them or add others
(`[profiles.NAME]`, config.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from . import corrections as shape
from .corrections import Shape

Fields = dict[str, Any]  # field name -> its current JSON value (fields.fold)
Merge = Callable[[Any, Any], Any]  # (current value, newly stated value) -> the value from now on
Profile = Mapping[str | None, tuple[str, ...]]  # category (None: unknown) -> item codes, in order


class ItemCode(StrEnum):
    CATEGORY = "category"
    ORGANIZATION_NAME = "organization_name"
    WEBSITE_URL = "website_url"
    IPR_AGREEMENT = "ipr_agreement"
    REPRESENTATIVES = "representatives"
    VOTING_REPRESENTATIVE = "voting_representative"
    EMERGENCY_CONTACT = "emergency_contact"
    AUDIT_REPORT_URL = "audit_report_url"
    CERTIFICATE_EVIDENCE = "certificate_evidence"
    TEST_WEBSITES = "test_websites"


def replace(old: Any, new: Any) -> Any:
    """The later statement wins."""
    return new


@dataclass(frozen=True)
class Item:
    code: str  # an ItemCode for the built-in items; also the field's export name
    label: str  # what staff read (`show`)
    short: str  # in the `status` table's MISSING column: as few letters as stay readable
    shape: Shape | None  # how staff `set` it (None: judged on another item's field)
    field: str = ""  # the stored field it is judged on: its own code unless given
    empty: Any = None  # its value before any message states it
    merge: Merge = replace
    present: Callable[[Fields], bool] | None = None  # default: the field has a value
    reader: Callable[[Any], Any] | None = None  # (reader.Text) -> JSON value | None; see the docstring

    def __post_init__(self) -> None:  # plain strings, as stored and printed
        object.__setattr__(self, "code", str(self.code))
        object.__setattr__(self, "field", str(self.field))

    @property
    def stored(self) -> str:
        return self.field or self.code

    @property
    def wording(self) -> str:
        """The key of its wording in the templates' `_facts.j2` HELP (and NUMBER)."""
        return self.code

    def given(self, fields: Fields) -> bool:
        return self.present(fields) if self.present else bool(fields.get(self.stored))


# ---------------------------------------------------------------- how statements merge


def union(old: list[Any] | None, new: list[Any]) -> list[Any]:
    return list(dict.fromkeys([*(old or []), *new]))


def keywise(*keys: str) -> Merge:
    """An object whose keys each keep their last stated value."""

    def merge(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
        return {k: new.get(k) or old.get(k) for k in keys} if old else new

    return merge


def best_agreement(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """A later, worse document does not undo a good one."""
    return old if old and ipr_rank(new) < ipr_rank(old) else new


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


def merge_representatives(
    old: list[dict[str, Any]] | None, new: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Representatives are merged by email; a newly named voting representative replaces the old one."""
    new_voting = any(r.get("voting") for r in new)
    merged = {r["email"].lower(): dict(r, voting=bool(r.get("voting")) and not new_voting) for r in old or []}
    for rep in new:
        key = rep["email"].lower()
        before = merged.get(key, {})
        merged[key] = {
            "name": rep.get("name") or before.get("name"),
            "email": rep["email"],
            "voting": bool(rep.get("voting")),
        }
    return list(merged.values())


# ---------------------------------------------------------------- whether an item is there


def _has_voting(f: Fields) -> bool:
    return any(r.get("voting") for r in f.get("representatives") or [])


def _has_emergency(f: Fields) -> bool:
    contact = f.get("emergency_contact") or {}
    return bool(contact.get("email") or contact.get("phone"))


TEST_SITE_STATES = ("valid", "revoked", "expired")


def _has_test_sites(f: Fields) -> bool:
    return all((f.get("test_websites") or {}).get(k) for k in TEST_SITE_STATES)


# ---------------------------------------------------------------- the catalogue

_BUILT_IN = (
    Item(ItemCode.CATEGORY, "category", "cat", shape.CATEGORY),
    Item(ItemCode.ORGANIZATION_NAME, "organisation", "org", shape.TEXT),
    Item(ItemCode.WEBSITE_URL, "website", "web", shape.WEB_ADDRESS),
    Item(ItemCode.IPR_AGREEMENT, "IPR agreement", "IPR", shape.IPR_AGREEMENT, merge=best_agreement),
    Item(
        ItemCode.REPRESENTATIVES,
        "representatives",
        "reps",
        shape.REPRESENTATIVES,
        empty=[],
        merge=merge_representatives,
    ),
    Item(
        ItemCode.VOTING_REPRESENTATIVE,
        "voting representative",
        "vote",
        None,
        field=ItemCode.REPRESENTATIVES,
        present=_has_voting,
    ),
    Item(
        ItemCode.EMERGENCY_CONTACT,
        "emergency",
        "emerg",
        shape.EMERGENCY_CONTACT,
        merge=keywise("name", "email", "phone"),
        present=_has_emergency,
    ),
    Item(ItemCode.AUDIT_REPORT_URL, "audit report", "audit", shape.AUDIT_ADDRESS),
    Item(ItemCode.CERTIFICATE_EVIDENCE, "certificates", "certs", shape.CERTIFICATES, empty=[], merge=union),
    Item(
        ItemCode.TEST_WEBSITES,
        "test sites",
        "sites",
        shape.TEST_WEBSITES,
        merge=keywise(*TEST_SITE_STATES),
        present=_has_test_sites,
    ),
)
CATALOGUE: dict[str, Item] = {item.code: item for item in _BUILT_IN}


def item(code: str) -> Item:
    return CATALOGUE[code]


def stored_items() -> list[Item]:
    """The items with a value of their own (not judged on another's field), in catalogue order."""
    return [i for i in CATALOGUE.values() if i.shape is not None]


def added_items() -> list[Item]:
    """The items beyond the built-in ones (ItemCode): the export and `show` list them generically."""
    return [i for i in stored_items() if i.code not in set(ItemCode)]


def short_name(code: str) -> str:
    found = CATALOGUE.get(code)
    return found.short if found else code


@contextmanager
def added(*new: Item) -> Iterator[None]:
    """The catalogue with NEW items in it for the duration (tests, and a site's own items)."""
    before = dict(CATALOGUE)
    CATALOGUE.update((i.code, i) for i in new)
    try:
        yield
    finally:
        CATALOGUE.clear()
        CATALOGUE.update(before)


# ---------------------------------------------------------------- working-group profiles

EVERYONE = (
    ItemCode.CATEGORY,
    ItemCode.ORGANIZATION_NAME,
    ItemCode.WEBSITE_URL,
    ItemCode.IPR_AGREEMENT,
    ItemCode.REPRESENTATIVES,
    ItemCode.EMERGENCY_CONTACT,
)
VOTING = (*EVERYONE[:5], ItemCode.VOTING_REPRESENTATIVE, ItemCode.EMERGENCY_CONTACT)


def _profile(issuer_evidence: ItemCode) -> Profile:
    by_category = {
        None: EVERYONE,
        "certificate_issuer": (*VOTING, ItemCode.AUDIT_REPORT_URL, issuer_evidence),
        "certificate_consumer": VOTING,
        "interested_party": EVERYONE,
        "associate_member": EVERYONE,
    }
    return {category: tuple(map(str, codes)) for category, codes in by_category.items()}


PROFILES: dict[str, Profile] = {
    "SMCWG": _profile(ItemCode.CERTIFICATE_EVIDENCE),
    # issuers show test sites with a valid, a revoked and an expired certificate
    "SCWG": _profile(ItemCode.TEST_WEBSITES),
    "CSCWG": _profile(ItemCode.CERTIFICATE_EVIDENCE),  # with code signing certificates as evidence
}


def required(profile: Profile, category: str | None) -> tuple[str, ...]:
    return profile.get(category) or profile[None]
