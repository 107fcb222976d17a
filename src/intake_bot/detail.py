"""One application in detail, for `show` and `attachment`: fields and where they came from,
messages, attachments, replies and history."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from .assess import DEFAULT_RULES
from .config import EvidenceRules
from .errors import UsageError
from .export import application_record, iso
from .items import ItemCode, added_items, item
from .records import FieldSource, ReplyKind
from .store import repository as repo
from .store.schema import Application


def application_detail(s: Session, reference: str, rules: EvidenceRules = DEFAULT_RULES) -> dict[str, Any]:
    app = repo.application_by_reference(s, reference)
    if app is None:
        raise UsageError(f"no application {reference}")
    record = application_record(s, app, rules=rules)
    record["attachments"] = [
        {
            "filename": a.filename,
            "sha256": a.sha256,
            "size": a.size,
            "content_type": a.content_type,
            "message": m.message_id,
        }
        for m in app.messages
        for a in m.attachments
    ]
    record["sources"] = _field_sources(s, app)
    record["all_messages"] = [
        {
            "id": m.id,
            "message_id": m.message_id,
            "from": m.from_address,
            "subject": m.subject,
            "disposition": m.disposition,
            "role": m.role,
            "reason": m.reason,
            "received_at": iso(m.received_at),
        }
        for m in app.messages
    ]
    applicant_replies = [r for r in app.replies if r.kind != ReplyKind.STAFF_NOTIFICATION]
    for reply, out in zip(applicant_replies, record["replies"], strict=True):
        out.update(attempts=reply.attempts, last_error=reply.last_error, sent_at=iso(reply.sent_at))
    record["history"] = [
        {"at": iso(e.at), "actor": e.actor, "kind": e.kind, "detail": e.detail} for e in app.events
    ]
    return record


def render_detail(d: dict[str, Any]) -> str:
    contact = d["emergency_contact"] or {}
    src = d["sources"]

    def line(field: str, value: str) -> str:
        origin = f"   [{src[field]}]" if field in src and value != "-" else ""
        return f"  {item(field).label:<15}{value}{origin}"

    audit = d.get("audit_report") or {}
    lines = [
        f"{d['reference']}  {d['organization_name'] or '(organisation unknown)'}",
        f"  {'status':<15}{d['status']}  ({d.get('working_group', '')})",
        f"  {'missing':<15}{', '.join(d['missing']) or 'nothing'}",
        *[f"    {code}: {why}" for code, reasons in (d.get("problems") or {}).items() for why in reasons],
        *[f"  {'needs a look':<15}{note}" for note in d.get("review") or []],
        f"  {'applicant':<15}{d['applicant_email']}",
        line(ItemCode.ORGANIZATION_NAME, d["organization_name"] or "-"),
        line(ItemCode.CATEGORY, _category_label(d["category"])),
        line(ItemCode.WEBSITE_URL, d["website_url"] or "-"),
        line(ItemCode.IPR_AGREEMENT, _ipr_line(d.get("ipr_agreement_check"))),
        line(ItemCode.EMERGENCY_CONTACT, " ".join(v for v in contact.values() if v) or "-"),
        line(ItemCode.AUDIT_REPORT_URL, f"{audit['url']} ({audit.get('kind')})" if audit.get("url") else "-"),
        *([f"    {audit['note']}"] if audit.get("note") else []),
        line(ItemCode.REPRESENTATIVES, "" if d["representatives"] else "-"),
        *[
            f"    {r['name'] or ''} <{r['email']}>{' (voting)' if r['voting'] else ''}"
            for r in d["representatives"]
        ],
        line(ItemCode.CERTIFICATE_EVIDENCE, "" if d.get("certificate_findings") else "-"),
        *_certificate_lines(d.get("certificate_findings") or []),
        *([line(ItemCode.TEST_WEBSITES, str(d["test_websites"]))] if d.get("test_websites") else []),
        *[line(i.code, _value(d[i.code])) for i in added_items() if d.get(i.code)],
        "  messages:",
        *[
            f"    #{m['id']:<5} {m['received_at'][:16]}  {m['role'] or m['disposition']:<12} {m['from']}"
            f"  {m['subject'][:40]}"
            for m in d["all_messages"]
        ],
        "  attachments:  (save one with: intake-bot attachment REF NAME -o FILE)",
        *[f"    {a['filename']}  {a['size']} bytes  {a['content_type']}" for a in d["attachments"]],
        "  replies:",
        *[
            f"    {r['kind']:<16} to {r['to']}  {r['state']}"
            f"{' (' + r['last_error'][:60] + ')' if r['last_error'] else ''}  {', '.join(r['items'])}"
            for r in d["replies"]
        ],
        "  history:",
        *[f"    {h['at'][:16]}  {h['actor']:<12} {h['kind']:<18} {h['detail'][:60]}" for h in d["history"]],
    ]
    return "\n".join(lines)


def _category_label(category: str | None) -> str:
    from .replies import CATEGORY_LABELS  # Jinja2 and email-validator: only for the detail view

    return CATEGORY_LABELS.get(category or "", "-")


def _value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _ipr_line(check: dict[str, Any] | None) -> str:
    if not check:
        return "-"
    verdict = "qualifies" if check.get("qualifies") else "does NOT qualify"
    version = f"v{check['version']}" if check.get("version") else "version unknown"
    return f"{check.get('filename')} ({version}, {check.get('signature') or 'no signature'}): {verdict}"


def _certificate_lines(findings: list[dict[str, Any]]) -> list[str]:
    lines = []
    for f in findings:
        verdict = "ok" if f.get("qualifies") else "does NOT qualify"
        note = "" if f.get("checked", True) else " (not checked offline)"
        lines.append(f"    {f['reference']}: {verdict}{note}")
        lines += [f"      {p}" for p in f.get("problems") or []]
        for cert in f.get("certificates") or []:
            lines.append(
                f"      {cert.get('subject', '')} serial {cert.get('serial', '')} sha256 {str(cert.get('sha256', ''))[:16]}…"
            )
    return lines


def attachment_blob(s: Session, reference: str, name: str) -> tuple[str, str]:
    """(sha256, filename) of the application's attachment called `name` (or with that SHA-256 prefix)."""
    detail = application_detail(s, reference)
    found = [
        a
        for a in detail["attachments"]
        if a["filename"] == name or (len(name) >= 8 and a["sha256"].startswith(name))
    ]
    if not found:
        names = ", ".join(a["filename"] for a in detail["attachments"]) or "none"
        raise UsageError(f"{reference} has no attachment {name!r} (attachments: {names})")
    return found[-1]["sha256"], found[-1]["filename"]


def _field_sources(s: Session, app: Application) -> dict[str, str]:
    """For each field, where its current value came from: a message, or a staff correction."""
    sources: dict[str, str] = {}
    ids = {m.id: m.message_id for m in app.messages}
    for fv in app.field_values:
        field = "representatives" if fv.field == "voting_name" else fv.field  # it marks the voting one
        if fv.source == FieldSource.STAFF:
            sources[field] = "set by staff"
        elif sources.get(field) != "set by staff":
            sources[field] = f"from #{fv.message_id} {ids.get(fv.message_id or 0, '')}"
    return sources
