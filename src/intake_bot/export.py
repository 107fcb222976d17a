"""The machine-readable dump (spec: `export --format json`), and the rows `status` shows."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .store import repository as repo
from .store.schema import Application, StoredMessage

THREADED = repo.THREADED


def export_data(s: Session) -> dict[str, Any]:
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
        "applications": [application_record(s, a) for a in apps],
        "other_messages": [{"message_id": m.message_id, "disposition": m.disposition} for m in others],
    }


def application_record(s: Session, app: Application) -> dict[str, Any]:
    f = repo.current_fields(s, app.id)
    ipr = f.get("ipr_agreement")
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
        "certificate_evidence": list(f.get("certificate_evidence") or []),
        "ipr_agreement": {"filename": ipr["filename"], "sha256": ipr["sha256"], "size": ipr["size"]}
        if ipr
        else None,
        "missing": list(app.missing or []),
        "created_at": iso(app.created_at),
        "updated_at": iso(app.updated_at),
        "messages": [
            {"message_id": m.message_id, "received_at": iso(m.received_at)}
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
                "sent": r.state == "sent",
                "state": r.state,
            }
            for r in app.replies
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
)


def to_csv(data: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for a in data["applications"]:
        contact = a["emergency_contact"] or {}
        writer.writerow(
            {
                **{
                    k: a.get(k) or "" for k in CSV_COLUMNS if k in a and not isinstance(a.get(k), list | dict)
                },
                "representatives": "; ".join(
                    f"{r['name'] or ''} <{r['email']}>" for r in a["representatives"]
                ),
                "voting_representative": next((r["email"] for r in a["representatives"] if r["voting"]), ""),
                "emergency_contact": " ".join(
                    v for v in (contact.get("name"), contact.get("email"), contact.get("phone")) if v
                ),
                "certificate_evidence": " ".join(a["certificate_evidence"]),
                "ipr_agreement": (a["ipr_agreement"] or {}).get("filename", ""),
                "missing": " ".join(a["missing"]),
                "messages": len(a["messages"]),
                "replies": len(a["replies"]),
            }
        )
    return out.getvalue()


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


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
