"""What staff see: the status rows and table ("what needs me today?"), and one application in detail."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import click
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .assess import assess
from .errors import UsageError
from .export import application_record, iso
from .fields import empty
from .records import EvidenceRules
from .store import repository as repo
from .store.schema import Application, Event, Reply, StoredMessage
from .times import as_utc

SHORT_ITEMS = {  # item codes in as few letters as stay readable: the table must fit 80 columns
    "category": "cat",
    "organization_name": "org",
    "website_url": "web",
    "ipr_agreement": "IPR",
    "representatives": "reps",
    "voting_representative": "vote",
    "emergency_contact": "emerg",
    "audit_report_url": "audit",
    "certificate_evidence": "certs",
    "test_websites": "sites",
}
SHORT_CATEGORY = {  # two letters keep the table inside 80 columns; the legend under it explains them
    "certificate_issuer": "CI",
    "certificate_consumer": "CC",
    "interested_party": "IP",
    "associate_member": "AM",
}
LEGEND = (
    "CAT: CI issuer, CC consumer, IP interested party, AM associate member\n"
    "AGE/IDLE: time since the application arrived / since its last activity"
)
STATUS_COLOURS = {
    "complete": "green",
    "incomplete": "yellow",
    "approved": "cyan",
    "rejected": "red",
    "withdrawn": "bright_black",
}
SORTS = ("reference", "activity", "age", "status", "organisation")
STALE_QUEUE = timedelta(hours=1)  # a reply queued longer than this means sending is stuck


@dataclass(frozen=True)
class Filters:
    statuses: tuple[str, ...] = ()
    working_group: str | None = None
    category: str | None = None
    since: datetime | None = None  # last activity on or after
    sort: str = "reference"


def status_rows(
    s: Session, filters: Filters, now: datetime, rules: EvidenceRules = EvidenceRules()
) -> list[dict[str, Any]]:
    fields = repo.all_current_fields(s)
    flags = _flags(s, now)
    rows = []
    for app in s.execute(select(*_ROW_COLUMNS).order_by(Application.id)):  # rows: no ORM objects to build
        f = fields.get(app.id) or empty()
        updated, created = as_utc(app.updated_at), as_utc(app.created_at)
        if not _matches(app, f, updated, filters):
            continue
        if assess(f, app.working_group, rules=rules, received_at=created).review:
            flags.setdefault(app.id, set()).add("review")  # a scan, another company's name, a dead link
        rows.append(
            {
                "reference": app.reference,
                "organization_name": f.get("organization_name"),
                "working_group": app.working_group,
                "category": f.get("category"),
                "status": app.status,
                "missing": list(app.missing or []),
                "created_at": iso(created),
                "last_activity": iso(updated),
                "age_days": (now - created).days,
                "flags": sorted(flags.get(app.id, ())),
            }
        )
    return _sorted(rows, filters.sort)


_ROW_COLUMNS = (
    Application.id,
    Application.reference,
    Application.working_group,
    Application.status,
    Application.missing,
    Application.created_at,
    Application.updated_at,
)


def quarantined_count(s: Session) -> int:
    return (
        s.scalar(
            select(func.count()).select_from(StoredMessage).where(StoredMessage.disposition == "quarantined")
        )
        or 0
    )


def stuck(rows: list[dict[str, Any]], quarantined: int) -> list[str]:
    """What a monitoring script should hear about: nothing here means all is well."""
    problems = [f"{quarantined} message(s) in quarantine"] if quarantined else []
    for r in rows:
        for flag in r["flags"]:
            if flag in ("failed", "bounced", "stuck"):
                problems.append(f"{r['reference']}: reply {flag}")
    return problems


def render_table(
    rows: list[dict[str, Any]], now: datetime, width: int | None = None, colour: bool = False
) -> str:
    if not rows:
        return "no applications"
    width = width or shutil.get_terminal_size((80, 24)).columns
    show_wg = len({r["working_group"] for r in rows}) > 1
    show_flags = any(r["flags"] for r in rows)
    header = ["REFERENCE", "ORGANISATION", "CAT", "STATUS", "MISSING", "AGE/IDLE"]
    header[1:1] = ["WG"] if show_wg else []
    header += ["FLAGS"] if show_flags else []
    table = [header]
    for r in rows:
        cells = [
            r["reference"],
            r["organization_name"] or "?",
            SHORT_CATEGORY.get(r["category"] or "", "?"),
            r["status"],
            ",".join(SHORT_ITEMS.get(m, m) for m in r["missing"]) or "-",
            f"{_span(now - datetime.fromisoformat(r['created_at']))}/"
            f"{_span(now - datetime.fromisoformat(r['last_activity']))}",
        ]
        cells[1:1] = [r["working_group"]] if show_wg else []
        cells += [",".join(r["flags"])] if show_flags else []
        table.append(cells)
    widths = _widths(table, width, flexible=(header.index("ORGANISATION"), header.index("MISSING")))
    status_col = header.index("STATUS")
    lines = []
    for n, row in enumerate(table):
        cells = [_fit(str(cell), widths[i]) for i, cell in enumerate(row)]
        if colour and n:
            cells[status_col] = click.style(cells[status_col], fg=STATUS_COLOURS.get(row[status_col]))
        lines.append("  ".join(cells).rstrip())
    return "\n".join([*lines, "", LEGEND])


def application_detail(s: Session, reference: str, rules: EvidenceRules = EvidenceRules()) -> dict[str, Any]:
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
            "reason": m.reason,
            "received_at": iso(m.received_at),
        }
        for m in app.messages
    ]
    applicant_replies = [r for r in app.replies if r.kind != "staff_notification"]
    for reply, out in zip(applicant_replies, record["replies"], strict=True):
        out.update(attempts=reply.attempts, last_error=reply.last_error, sent_at=iso(reply.sent_at))
    record["history"] = [
        {"at": iso(e.at), "actor": e.actor, "kind": e.kind, "detail": e.detail} for e in app.events
    ]
    return record


def render_detail(d: dict[str, Any]) -> str:
    contact = d["emergency_contact"] or {}
    src = d["sources"]

    def line(label: str, value: str, field: str) -> str:
        origin = f"   [{src[field]}]" if field in src and value != "-" else ""
        return f"  {label:<15}{value}{origin}"

    audit = d.get("audit_report") or {}
    lines = [
        f"{d['reference']}  {d['organization_name'] or '(organisation unknown)'}",
        f"  {'status':<15}{d['status']}  ({d.get('working_group', '')})",
        f"  {'missing':<15}{', '.join(d['missing']) or 'nothing'}",
        *[f"    {code}: {why}" for code, reasons in (d.get("problems") or {}).items() for why in reasons],
        *[f"  {'needs a look':<15}{note}" for note in d.get("review") or []],
        f"  {'applicant':<15}{d['applicant_email']}",
        line("organisation", d["organization_name"] or "-", "organization_name"),
        line("category", _category_label(d["category"]), "category"),
        line("website", d["website_url"] or "-", "website_url"),
        line("IPR agreement", _ipr_line(d.get("ipr_agreement_check")), "ipr_agreement"),
        line("emergency", " ".join(v for v in contact.values() if v) or "-", "emergency_contact"),
        line(
            "audit report",
            f"{audit['url']} ({audit.get('kind')})" if audit.get("url") else "-",
            "audit_report_url",
        ),
        *([f"    {audit['note']}"] if audit.get("note") else []),
        line("representatives", "" if d["representatives"] else "-", "representatives"),
        *[
            f"    {r['name'] or ''} <{r['email']}>{' (voting)' if r['voting'] else ''}"
            for r in d["representatives"]
        ],
        line("certificates", "" if d.get("certificate_findings") else "-", "certificate_evidence"),
        *_certificate_lines(d.get("certificate_findings") or []),
        *([f"  {'test sites':<15}{d['test_websites']}"] if d.get("test_websites") else []),
        "  messages:",
        *[
            f"    #{m['id']:<5} {m['received_at'][:16]}  {m['disposition']:<12} {m['from']}  {m['subject'][:40]}"
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
        if fv.source == "staff":
            sources[fv.field] = "set by staff"
        elif sources.get(fv.field) != "set by staff":
            sources[fv.field] = f"from #{fv.message_id} {ids.get(fv.message_id, '')}"
    return sources


def _flags(s: Session, now: datetime) -> dict[int, set[str]]:
    flags: dict[int, set[str]] = {}
    for app_id, state, created in s.execute(select(Reply.application_id, Reply.state, Reply.created_at)):
        if state in ("failed", "bounced"):
            flags.setdefault(app_id, set()).add(state)
        elif state in ("queued", "sending") and now - as_utc(created) > STALE_QUEUE:
            flags.setdefault(app_id, set()).add("stuck")
    for app_id, detail in s.execute(
        select(Event.application_id, Event.detail).where(Event.kind == "no_reply")
    ):
        if "DMARC" in detail:
            flags.setdefault(app_id, set()).add("dmarc")
    return flags


def _matches(app: Any, f: dict[str, Any], updated: datetime, filters: Filters) -> bool:
    return (
        (not filters.statuses or app.status in filters.statuses)
        and (not filters.working_group or app.working_group.upper() == filters.working_group.upper())
        and (not filters.category or f.get("category") == filters.category)
        and (not filters.since or updated >= filters.since)
    )


def _sorted(rows: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    keys = {
        "reference": lambda r: r["reference"],
        "activity": lambda r: r["last_activity"],
        "age": lambda r: r["created_at"],
        "status": lambda r: (r["status"], r["reference"]),
        "organisation": lambda r: (r["organization_name"] or "").casefold(),
    }
    return sorted(rows, key=keys[sort], reverse=sort == "activity")


def _widths(table: list[list[str]], width: int, flexible: tuple[int, int]) -> list[int]:
    """Fixed columns as wide as their widest cell; organisation and missing items share the rest,
    the missing items first (they are what staff act on)."""
    widths = [max(len(str(row[i])) for row in table) for i in range(len(table[0]))]
    org, missing = flexible
    fixed = sum(w for i, w in enumerate(widths) if i not in flexible) + 2 * (len(widths) - 1)
    spare = max(width - fixed, 24)
    widths[org] = min(widths[org], max(12, spare - widths[missing]))
    widths[missing] = min(widths[missing], max(10, spare - widths[org]))
    return widths


def _span(delta: timedelta) -> str:
    if delta.days >= 1:
        return f"{delta.days}d"
    hours = delta.seconds // 3600
    return f"{hours}h" if hours else f"{delta.seconds // 60}m"


def _fit(text: str, width: int) -> str:
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"
