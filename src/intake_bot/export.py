"""The machine-readable dump (spec: `export --format json`), and the rows `status` shows."""

from __future__ import annotations

import csv
import io
import json
import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .assess import DEFAULT_RULES, assess, audit_status, certificate_findings, ipr_status
from .cleantext import csv_cell, terminal_json
from .config import EvidenceRules
from .items import added_items
from .records import ApplicationStatus, ReplyKind, ReplyState, Role
from .replies import CATEGORY_LABELS, WORKING_GROUP_NAMES
from .store import repository as repo
from .store.schema import Application, StoredMessage
from .times import as_utc

log = logging.getLogger(__name__)
THREADED = repo.THREADED
STAFF_NOTIFICATION = ReplyKind.STAFF_NOTIFICATION  # kept in the outbox, but not a reply to the applicant


def export_data(s: Session, *, rules: EvidenceRules = DEFAULT_RULES) -> dict[str, Any]:
    apps = s.scalars(
        select(Application)
        .options(selectinload(Application.messages), selectinload(Application.replies))
        .order_by(Application.id)
    ).all()
    others = s.scalars(
        select(StoredMessage)
        .where((StoredMessage.application_id.is_(None)) | (StoredMessage.disposition.not_in(THREADED)))
        .order_by(StoredMessage.id)
    ).all()
    return {
        "applications": [application_record(s, a, rules=rules) for a in apps],
        "other_messages": [{"message_id": m.message_id, "disposition": m.disposition} for m in others],
    }


def application_record(
    s: Session, app: Application, *, rules: EvidenceRules = DEFAULT_RULES
) -> dict[str, Any]:
    """The spec's fields (certificate_evidence and ipr_agreement: only what qualifies), then the details."""
    f = repo.current_fields(s, app.id)
    received = as_utc(app.created_at)
    ipr = ipr_check(f, rules, received)
    findings = certificate_findings(f, app.working_group, received)
    assessment = assess(f, app.working_group, rules=rules, received_at=received)
    return {
        "reference": app.reference,
        "working_group": app.working_group,
        "status": app.status,
        "category": f.get("category"),
        "organization_name": f.get("organization_name"),
        "website_url": f.get("website_url"),
        "applicant_email": app.applicant_email,
        "representatives": [
            {"name": r.get("name"), "email": r["email"], "voting": bool(r.get("voting"))}
            for r in f.get("representatives") or []
        ],
        "emergency_contact": _contact(f.get("emergency_contact")),
        "audit_report_url": f.get("audit_report_url"),
        "certificate_evidence": [c["reference"] for c in findings if c["qualifies"]],
        "ipr_agreement": {k: ipr[k] for k in IPR_KEYS} if ipr and ipr["qualifies"] else None,
        # details of the evidence (extensions of the spec's format)
        "ipr_agreement_check": ipr,
        "certificate_findings": findings,
        "audit_report": _audit(f),
        "test_websites": f.get("test_websites"),
        **{added.code: f.get(added.code) for added in added_items()},  # a site's own items
        "problems": {code: list(why) for code, why in assessment.problems.items()},
        "review": list(assessment.review),
        "missing": list(app.missing or []),
        "created_at": iso(app.created_at),
        "updated_at": iso(app.updated_at),
        "messages": [
            {
                "message_id": m.message_id,
                "received_at": iso(m.received_at),
                "from": m.from_address,
                "role": m.role or Role.APPLICANT,
            }
            for m in app.messages
            if m.disposition in THREADED
        ],
        "replies": [
            {
                "kind": r.kind,
                "to": r.to_address,
                "message_id": r.message_id,
                "in_reply_to": r.in_reply_to,
                "items": list(r.items or []),
                "sent": r.state == ReplyState.SENT,
                "state": r.state,
            }
            for r in app.replies
            if r.kind != STAFF_NOTIFICATION
        ],
        "staff_notifications": [
            {"to": r.to_address, "message_id": r.message_id, "sent": r.state == ReplyState.SENT}
            for r in app.replies
            if r.kind == STAFF_NOTIFICATION
        ],
    }


CSV_COLUMNS = (
    "reference",
    "working_group",
    "status",
    "category",
    "organization_name",
    "website_url",
    "applicant_email",
    "representatives",
    "voting_representative",
    "emergency_contact",
    "audit_report_url",
    "certificate_evidence",
    "ipr_agreement",
    "missing",
    "messages",
    "replies",
    "ipr_version",
    "audit_report_kind",
    "review",
)


def to_csv(data: dict[str, Any]) -> str:
    """One row per application. Every cell goes through cleantext.csv_cell: a value that begins
    like a formula (=, +, -, @) gets a leading apostrophe, a phone number '+44 ...' included."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=(*CSV_COLUMNS, *(i.code for i in added_items())))
    writer.writeheader()
    for a in data["applications"]:
        writer.writerow({k: csv_cell(v) for k, v in _csv_row(a).items()})
    return out.getvalue()


def _csv_row(a: dict[str, Any]) -> dict[str, Any]:
    contact = a["emergency_contact"] or {}
    return {
        **{k: a.get(k) or "" for k in CSV_COLUMNS if k in a and not isinstance(a.get(k), list | dict)},
        "representatives": "; ".join(f"{r['name'] or ''} <{r['email']}>" for r in a["representatives"]),
        "voting_representative": next((r["email"] for r in a["representatives"] if r["voting"]), ""),
        "emergency_contact": " ".join(
            v for v in (contact.get("name"), contact.get("email"), contact.get("phone")) if v
        ),
        "certificate_evidence": " ".join(a["certificate_evidence"]),
        "ipr_agreement": (a["ipr_agreement"] or {}).get("filename", ""),
        "missing": " ".join(a["missing"]),
        "messages": len(a["messages"]),
        "replies": len(a["replies"]),
        "ipr_version": (a.get("ipr_agreement_check") or {}).get("version") or "",
        "audit_report_kind": (a.get("audit_report") or {}).get("kind") or "",
        "review": " | ".join(a.get("review") or []),
        **{i.code: _cell(a.get(i.code)) for i in added_items()},
    }


def _cell(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def members_data(s: Session) -> dict[str, Any]:
    """Approved applications in the shape the Forum's web site reads from its member tools: by
    working group, then category, each member once, in alphabetical order."""
    groups: dict[str, dict[str, set[str]]] = {}
    for app in _approved(s):
        f = repo.current_fields(s, app.id)
        organisation, category = f.get("organization_name"), f.get("category")
        if not organisation or category not in CATEGORY_LABELS:
            log.warning("%s is approved but names no organisation or category: not listed", app.reference)
            continue
        groups.setdefault(app.working_group, {}).setdefault(category, set()).add(organisation)
    return {
        "forumGroups": [
            {
                "name": WORKING_GROUP_NAMES.get(wg, wg),
                "participantTypes": [
                    {
                        "participantType": label,
                        "members": [
                            {"memberOrganization": name}
                            for name in sorted(by_category[code], key=str.casefold)
                        ],
                    }
                    for code, label in CATEGORY_LABELS.items()
                    if code in by_category
                ],
            }
            for wg, by_category in sorted(groups.items(), key=lambda g: WORKING_GROUP_NAMES.get(g[0], g[0]))
        ]
    }


REPRESENTATIVE_COLUMNS = (
    "reference",
    "working_group",
    "organization_name",
    "category",
    "name",
    "email",
    "voting",
)


def representatives_csv(s: Session) -> str:
    """One row per representative of an approved application, for the working groups' mailing lists."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REPRESENTATIVE_COLUMNS)
    for app in _approved(s):
        f = repo.current_fields(s, app.id)
        for r in f.get("representatives") or []:
            row = (
                app.reference,
                app.working_group,
                f.get("organization_name") or "",
                f.get("category") or "",
                r.get("name") or "",
                r["email"],
                "true" if r.get("voting") else "false",
            )
            writer.writerow([csv_cell(cell) for cell in row])
    return out.getvalue()


def _approved(s: Session) -> list[Application]:
    query = select(Application).where(Application.status == ApplicationStatus.APPROVED)
    return list(s.scalars(query.order_by(Application.reference)))


def to_json(data: dict[str, Any]) -> str:
    return terminal_json(data)


IPR_KEYS = ("filename", "sha256", "size", "version", "kind", "signature", "dated", "problems", "review")


def ipr_check(f: dict[str, Any], rules: EvidenceRules, received: datetime | None) -> dict[str, Any] | None:
    """The document on file as the IPR agreement, whether it qualifies and why (not)."""
    ipr = f.get("ipr_agreement")
    if not ipr:
        return None
    status = ipr_status(f, rules, received)
    return {
        "filename": ipr.get("filename"),
        "sha256": ipr.get("sha256"),
        "size": ipr.get("size"),
        "version": ipr.get("version"),
        "kind": ipr.get("kind", "ipr_agreement"),
        "signature": ipr.get("signature"),
        "dated": ipr.get("dated"),
        "organization": ipr.get("organization"),
        "qualifies": status["qualifies"],
        "problems": status["problems"],
        "review": status["review"],
    }


def _audit(f: dict[str, Any]) -> dict[str, Any] | None:
    found = audit_status(f)
    return {k: found[k] for k in ("url", "kind", "note")} if found["url"] else None


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite returns naive datetimes; they were stored as UTC
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def _contact(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if not value or not any(value.get(k) for k in ("name", "email", "phone")):
        return None
    return {"name": value.get("name"), "email": value.get("email"), "phone": value.get("phone")}
