"""What staff see first, `status`: one row per application ("what needs me today?"), what is stuck.

Quick over thousands of applications, as a whole process: each row comes from the applications
table itself (its summary columns are kept by every assessment), read with plain SQL. A SQLite
database at the schema this code expects is read with the standard library, without importing
SQLAlchemy; any other database, or an older schema, goes through SQLAlchemy, which first brings the
schema up to date. The same SQL and the same row code serve both.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import click

from .items import short_name
from .records import QUESTION_ABOUT_JOINING
from .store.readonly import connect_at_head
from .times import as_utc

Query = Callable[[str], Iterable[Sequence[Any]]]  # runs one SQL statement and gives its rows

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
    "dormant": "bright_black",
    "approved": "cyan",
    "rejected": "red",
    "withdrawn": "bright_black",
}
STATUSES = tuple(STATUS_COLOURS)  # every status an application can have
DECIDED = ("approved", "rejected", "withdrawn")  # not shown unless asked for (--all, --status)
COLUMNS = (  # of a row, in order: the CSV header even when no row is printed
    "reference",
    "organization_name",
    "working_group",
    "category",
    "status",
    "missing",
    "created_at",
    "last_activity",
    "age_days",
    "flags",
)
STALE_QUEUE = timedelta(hours=1)  # a reply queued longer than this means sending is stuck


@dataclass(frozen=True)
class Filters:
    statuses: tuple[str, ...] = ()
    working_group: str | None = None
    category: str | None = None
    since: datetime | None = None  # last activity on or after
    sort: str = "reference"


def read_status(database_url: str, filters: Filters, now: datetime) -> tuple[list[dict[str, Any]], int]:
    """(rows, messages in quarantine)."""
    conn = connect_at_head(database_url)
    if conn is not None:
        try:
            conn.execute("BEGIN")  # one snapshot for every query
            return status_rows(conn.execute, filters, now), quarantined_count(conn.execute)
        except sqlite3.Error:
            pass  # the full path below reports what is wrong, as it always did
        finally:
            conn.close()
    from .store.db import open_database  # SQLAlchemy, and migrations: only when the quick path won't do

    with open_database(database_url, create=False, readonly=True).transaction() as s:
        query = s.connection().exec_driver_sql
        return status_rows(query, filters, now), quarantined_count(query)


APPLICATIONS = (
    "SELECT id, reference, working_group, status, missing, created_at, updated_at,"
    " organization_name, category, needs_review, new_mail_at FROM applications ORDER BY id"
)
REPLY_PROBLEMS = (
    "SELECT application_id, state, created_at FROM replies"
    " WHERE state IN ('failed', 'bounced', 'queued', 'sending')"
)
NO_REPLY_EVENTS = "SELECT application_id, detail FROM events WHERE kind = 'no_reply'"
QUARANTINED = "SELECT count(*) FROM messages WHERE disposition = 'quarantined' AND dismissed_at IS NULL"
assert "'" not in QUESTION_ABOUT_JOINING
INBOX_COUNTS = (  # what inbox.waiting() lists
    "SELECT disposition, count(*) FROM messages WHERE application_id IS NULL AND duplicate_of IS NULL"
    " AND (disposition = 'possible_application'"
    f" OR (disposition = 'not_application' AND reason = '{QUESTION_ABOUT_JOINING}')) GROUP BY disposition"
)
OUTSIDERS = "SELECT DISTINCT application_id FROM messages WHERE role = 'outsider'"  # a partial index


def status_rows(query: Query, filters: Filters, now: datetime) -> list[dict[str, Any]]:
    flags = _flags(query, now)
    filtering = any((filters.statuses, filters.working_group, filters.category, filters.since))
    rows = []
    for app_id, reference, wg, status, missing, created, updated, org, category, review, new_mail in query(
        APPLICATIONS
    ):
        if filtering and not _matches(filters, status, wg, category, updated):
            continue
        if review:  # a scan, another company's name, a dead link
            flags.setdefault(app_id, set()).add("review")
        if new_mail:  # the applicant wrote after the decision
            flags.setdefault(app_id, set()).add("new-mail")
        rows.append(
            {
                "reference": reference,
                "organization_name": org,
                "working_group": wg,
                "category": category,
                "status": status,
                "missing": _items(missing),
                "created_at": _iso(created),
                "last_activity": _iso(updated),
                "age_days": (now - _time(created)).days,
                "flags": sorted(flags.get(app_id, ())),
            }
        )
    return _sorted(rows, filters.sort)


def inbox_counts(database_url: str) -> dict[str, int]:
    """How many messages wait in `intake-bot inbox`, by disposition (possible_application, not_application)."""
    conn = connect_at_head(database_url)
    if conn is not None:
        try:
            return dict(conn.execute(INBOX_COUNTS).fetchall())
        except sqlite3.Error:
            pass
        finally:
            conn.close()
    from .store.db import open_database

    with open_database(database_url).transaction() as s:
        return dict(s.connection().exec_driver_sql(INBOX_COUNTS).fetchall())


def inbox_line(counts: dict[str, int]) -> str | None:
    """'2 possible applications: intake-bot inbox' (and questions from would-be applicants), or None."""
    possible, questions = counts.get("possible_application", 0), counts.get("not_application", 0)
    parts = [f"{possible} possible application{'s' * (possible != 1)}"] if possible else []
    parts += [f"{questions} question{'s' * (questions != 1)} about joining"] if questions else []
    return f"{', '.join(parts)}: intake-bot inbox" if parts else None


def quarantined_count(query: Query) -> int:
    for (count,) in query(QUARANTINED):
        return count or 0
    return 0


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
    table = [header, *(_cells(r, now, show_wg, show_flags) for r in rows)]
    # Column by column: widths and padding take one call per column instead of one per cell.
    columns = [list(column) for column in zip(*table, strict=True)]
    widths = _widths(columns, width, flexible=(header.index("ORGANISATION"), header.index("MISSING")))
    padded = [_pad(column, w) for column, w in zip(columns, widths, strict=True)]
    if colour:
        status = header.index("STATUS")
        padded[status][1:] = [
            click.style(cell, fg=STATUS_COLOURS.get(value))
            for cell, value in zip(padded[status][1:], columns[status][1:], strict=True)
        ]
    lines = ["  ".join(line).rstrip() for line in zip(*padded, strict=True)]
    return "\n".join([*lines, "", LEGEND])


def _flags(query: Query, now: datetime) -> dict[int, set[str]]:
    flags: dict[int, set[str]] = {}
    for app_id, state, created in query(REPLY_PROBLEMS):
        if state in ("failed", "bounced"):
            flags.setdefault(app_id, set()).add(state)
        elif now - _time(created) > STALE_QUEUE:
            flags.setdefault(app_id, set()).add("stuck")
    for app_id, detail in query(NO_REPLY_EVENTS):
        if "DMARC" in detail:
            flags.setdefault(app_id, set()).add("dmarc")
    for (app_id,) in query(OUTSIDERS):  # a stranger's message waits for `accept`
        flags.setdefault(app_id, set()).add("outsider")
    return flags


def _time(value: str | datetime) -> datetime:
    """SQLite gives naive UTC text, as SQLAlchemy writes it; PostgreSQL an aware datetime."""
    # Parsing with the offset appended is several times quicker than replace(tzinfo=UTC).
    return datetime.fromisoformat(f"{value}+00:00") if isinstance(value, str) else as_utc(value)


def _iso(value: str | datetime) -> str:
    """What _time(value).isoformat() gives. SQLAlchemy's SQLite text ("2026-11-27 10:09:56.000000")
    is rewritten instead: several times quicker, row after row."""
    if isinstance(value, str) and len(value) == 26 and value[19] == ".":
        return f"{value[:10]}T{value[11:19] if value.endswith('.000000') else value[11:]}+00:00"
    return _time(value).isoformat()


def _items(value: str | list[str] | None) -> list[str]:
    """A JSON list column: SQLite gives text (few distinct values: each decoded once), PostgreSQL a list."""
    return list(_decoded(value) if isinstance(value, str) else value or [])


@lru_cache(maxsize=256)
def _decoded(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text) or ())


def _matches(filters: Filters, status: str, wg: str, category: str | None, updated: str | datetime) -> bool:
    return (
        (not filters.statuses or status in filters.statuses)
        and (not filters.working_group or wg.upper() == filters.working_group.upper())
        and (not filters.category or category == filters.category)
        and (not filters.since or _time(updated) >= filters.since)
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


def _cells(r: dict[str, Any], now: datetime, show_wg: bool, show_flags: bool) -> list[str]:
    age = now - datetime.fromisoformat(r["created_at"])
    idle = now - datetime.fromisoformat(r["last_activity"])
    cells = [r["reference"], r["working_group"]] if show_wg else [r["reference"]]
    cells += (
        r["organization_name"] or "?",
        SHORT_CATEGORY.get(r["category"] or "", "?"),
        r["status"],
        ",".join([short_name(m) for m in r["missing"]]) or "-",
        f"{_span(age)}/{_span(idle)}",
    )
    if show_flags:
        cells.append(",".join(r["flags"]))
    return cells


def _widths(columns: list[list[str]], width: int, flexible: tuple[int, int]) -> list[int]:
    """Fixed columns as wide as their widest cell; organisation and missing items share the rest,
    the missing items first (they are what staff act on)."""
    widths = [max(map(len, column)) for column in columns]
    org, missing = flexible
    fixed = sum(w for i, w in enumerate(widths) if i not in flexible) + 2 * (len(widths) - 1)
    spare = max(width - fixed, 24)
    widths[org] = min(widths[org], max(12, spare - widths[missing]))
    widths[missing] = min(widths[missing], max(10, spare - widths[org]))
    return widths


def _pad(column: list[str], width: int) -> list[str]:
    if max(map(len, column)) <= width:  # nothing to cut: the usual case, and the quick one
        return [cell.ljust(width) for cell in column]
    return [(cell if len(cell) <= width else cell[: width - 1] + "…").ljust(width) for cell in column]


def _span(delta: timedelta) -> str:
    if delta.days >= 1:
        return f"{delta.days}d"
    hours = delta.seconds // 3600
    return f"{hours}h" if hours else f"{delta.seconds // 60}m"
