"""What staff see: the status rows and table, and one application in detail."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from .errors import UsageError
from .export import application_record, iso
from .replies import CATEGORY_LABELS
from .store import repository as repo

SHORT_ITEMS = {
    "category": "category",
    "organization_name": "org",
    "website_url": "website",
    "ipr_agreement": "IPR",
    "representatives": "reps",
    "voting_representative": "voting",
    "emergency_contact": "emergency",
    "audit_report_url": "audit",
    "certificate_evidence": "certs",
}
SHORT_CATEGORY = {
    "certificate_issuer": "Issuer",
    "certificate_consumer": "Consumer",
    "interested_party": "Interested",
    "associate_member": "Associate",
}


def status_rows(data: dict[str, Any], status_filter: str | None = None) -> list[dict[str, Any]]:
    rows = []
    for a in data["applications"]:
        if status_filter and a["status"] != status_filter:
            continue
        rows.append(
            {
                "reference": a["reference"],
                "organization_name": a["organization_name"],
                "working_group": a.get("working_group"),
                "category": a["category"],
                "status": a["status"],
                "missing": a["missing"],
                "last_activity": a.get("updated_at"),
                "created_at": a.get("created_at"),
                "replies_unsent": sum(1 for r in a["replies"] if not r["sent"]),
            }
        )
    return rows


def render_table(rows: list[dict[str, Any]], width: int | None = None) -> str:
    if not rows:
        return "no applications yet"
    width = width or shutil.get_terminal_size((80, 24)).columns
    table = [("REFERENCE", "ORGANISATION", "CATEGORY", "STATUS", "MISSING", "ACTIVITY")]
    for r in rows:
        table.append(
            (
                r["reference"],
                r["organization_name"] or "?",
                SHORT_CATEGORY.get(r["category"] or "", "?"),
                r["status"],
                ", ".join(SHORT_ITEMS.get(m, m) for m in r["missing"]) or "-",
                _age(r["last_activity"]),
            )
        )
    widths = [max(len(str(row[i])) for row in table) for i in range(6)]
    spare = max(width - (sum(widths) - widths[1] - widths[4]) - 2 * 5, 24)  # for organisation + missing
    widths[1] = min(widths[1], max(14, spare - min(widths[4], spare // 2)))
    widths[4] = min(widths[4], max(10, spare - widths[1]))
    lines = ["  ".join(_fit(str(cell), widths[i]) for i, cell in enumerate(row)).rstrip() for row in table]
    return "\n".join(lines)


def application_detail(s: Session, reference: str) -> dict[str, Any]:
    app = repo.application_by_reference(s, reference)
    if app is None:
        raise UsageError(f"no application {reference}")
    record = application_record(s, app)
    record["attachments"] = [
        {"filename": a.filename, "sha256": a.sha256, "size": a.size, "content_type": a.content_type}
        for m in app.messages
        for a in m.attachments
    ]
    record["all_messages"] = [
        {
            "id": m.id,
            "message_id": m.message_id,
            "from": m.from_address,
            "subject": m.subject,
            "disposition": m.disposition,
            "received_at": iso(m.received_at),
        }
        for m in app.messages
    ]
    record["history"] = [
        {"at": iso(e.at), "actor": e.actor, "kind": e.kind, "detail": e.detail} for e in app.events
    ]
    return record


def render_detail(d: dict[str, Any]) -> str:
    contact = d["emergency_contact"] or {}
    ipr = d["ipr_agreement"]
    lines = [
        f"{d['reference']}  {d['organization_name'] or '(organisation unknown)'}",
        f"  status:        {d['status']}",
        f"  category:      {CATEGORY_LABELS.get(d['category'] or '', 'unknown')}",
        f"  applicant:     {d['applicant_email']}",
        f"  website:       {d['website_url'] or '-'}",
        f"  IPR agreement: {ipr['filename'] + ' (' + ipr['sha256'][:12] + ')' if ipr else '-'}",
        f"  emergency:     {' '.join(v for v in contact.values() if v) or '-'}",
        f"  audit report:  {d['audit_report_url'] or '-'}",
        "  representatives:",
        *[
            f"    {r['name'] or ''} <{r['email']}>{' (voting)' if r['voting'] else ''}"
            for r in d["representatives"]
        ],
        "  certificate evidence:",
        *[f"    {e}" for e in d["certificate_evidence"]],
        f"  missing:       {', '.join(d['missing']) or 'nothing'}",
        "  messages:",
        *[
            f"    {m['received_at'][:16]}  {m['disposition']:<12} {m['from']}  {m['subject'][:50]}"
            for m in d["all_messages"]
        ],
        "  attachments:",
        *[f"    {a['filename']}  {a['size']} bytes  {a['content_type']}" for a in d["attachments"]],
        "  replies:",
        *[f"    {r['kind']:<16} to {r['to']}  {r['state']}  {', '.join(r['items'])}" for r in d["replies"]],
        "  history:",
        *[f"    {h['at'][:16]}  {h['actor']:<12} {h['kind']:<18} {h['detail'][:60]}" for h in d["history"]],
    ]
    return "\n".join(lines)


def _age(value: str | None) -> str:
    if not value:
        return "-"
    delta = datetime.now(UTC) - datetime.fromisoformat(value)
    days = delta.days
    if days >= 1:
        return f"{days}d ago"
    hours = delta.seconds // 3600
    return f"{hours}h ago" if hours else "just now"


def _fit(text: str, width: int) -> str:
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"
