"""The `status` table of a SQLite database, rendered by SQLite itself: Python only joins the lines.

Why this exists: issue 7 wants `status` over 10,000 applications to take at most 1.5x the time of
`--help`, and on the row path (status.py) Python's work per row (dicts, times, cells, padding) alone
costs more than that budget. Here SQL built from status.py's constants and rules gives the same
cells and the same padded lines as render_table; a test compares the two renderings byte for byte.
What varies little per row is still worked out by status.py's own functions: the flags (few
applications have any) and the missing-items cell (few distinct lists). Colour, --json, --csv,
--check, other databases and unusual stored values keep the row path (read_table gives None).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from .status import (
    LEGEND,
    SHORT_CATEGORY,
    Filters,
    _span,
    _time,
    column_widths,
    json_list,
    missing_cell,
    quarantined_count,
    reply_flags,
    table_header,
)
from .store.readonly import connect_at_head

# The stored time format this path reads ("2026-11-27 10:09:56.000000", as SQLAlchemy writes it):
# its text order is time order, as the row path's ISO text order is.
STORED_TIME = "????-??-?? ??:??:??.??????"
ORDERS = {  # as status._sorted: Python's sort is stable over rows read in id order
    "reference": "a.reference",
    "activity": "a.updated_at DESC, a.id",
    "age": "a.created_at, a.id",
    "status": "a.status, a.reference",
    "organisation": "casefold(coalesce(a.organization_name, '')), a.id",
}
COLUMNS = {  # header -> its cell, over status_cells
    "REFERENCE": "reference",
    "WG": "wg",
    "ORGANISATION": "org",
    "CAT": "cat",
    "STATUS": "status",
    "MISSING": "missing",
    "AGE/IDLE": "span",
    "FLAGS": "flags",
}
TEMP_TABLES = (
    "CREATE TEMP TABLE status_flags (id INTEGER PRIMARY KEY, plain TEXT, reviewed TEXT)",
    # NUMERIC: the affinity of applications.missing and of its times, so that the keys are searched
    "CREATE TEMP TABLE status_missing (missing NUMERIC PRIMARY KEY, cell TEXT)",
    "CREATE TEMP TABLE status_spans (until NUMERIC PRIMARY KEY, cell TEXT)",
)
CELLS = """CREATE TEMP TABLE status_cells AS
SELECT a.reference, a.working_group AS wg, coalesce(nullif(a.organization_name, ''), '?') AS org,
    {category} AS cat, a.status, m.cell AS missing, {age} || '/' || {idle} AS span,
    CASE WHEN a.needs_review THEN coalesce(f.reviewed, 'review') ELSE coalesce(f.plain, '') END AS flags,
    NOT (a.created_at GLOB :time AND a.updated_at GLOB :time) AS odd
FROM applications AS a
    LEFT JOIN status_missing AS m ON m.missing = a.missing LEFT JOIN status_flags AS f ON f.id = a.id
WHERE {where}
ORDER BY {order}"""  # kept in this order: the lines are read by rowid, unsorted


def read_table(database_url: str, filters: Filters, now: datetime, width: int) -> tuple[str, int] | None:
    """(render_table's table, messages in quarantine); None when this path cannot give them."""
    if sqlite3.sqlite_version_info < (3, 38) or now.tzinfo is None:  # printf's "!" flag, as tested
        return None
    conn = connect_at_head(database_url)
    if conn is None:
        return None
    try:
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("BEGIN")  # one snapshot for every query
        table = _table(conn, filters, now, width)
        return None if table is None else (table, quarantined_count(conn.execute))
    except sqlite3.Error:
        return None  # the row path reports what is wrong
    finally:
        conn.close()


def _table(conn: sqlite3.Connection, filters: Filters, now: datetime, width: int) -> str | None:
    where, params = _where(conn, filters)
    if where is None:
        return None
    if not _fill_temp_tables(conn, now):
        return None
    if filters.sort == "organisation":
        conn.create_function("casefold", 1, str.casefold, deterministic=True)
    conn.execute(_cells_sql(where, filters.sort), {**params, "time": STORED_TIME})
    count, show_wg, show_flags, odd, *longest = conn.execute(_widths_sql()).fetchone()
    if odd:
        return None
    if not count:
        return "no applications"
    header = table_header(bool(show_wg), bool(show_flags))
    widths = column_widths([max(len(h), longest[list(COLUMNS).index(h)]) for h in header], header, width)
    (lines,) = conn.execute(_lines_sql(header, widths)).fetchone()
    head = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()
    return "\n".join([head, lines, "", LEGEND])


def _fill_temp_tables(conn: sqlite3.Connection, now: datetime) -> bool:
    """What status.py's own functions say for the few distinct values: each flagged application's
    flags (without and with review), each missing list's cell, and the AGE/IDLE span of each time
    up to now, as the latest time it holds for. False for a time status.py cannot read."""
    for create in TEMP_TABLES:
        conn.execute(create)
    flags = reply_flags(conn.execute, now)
    conn.executemany(
        "INSERT INTO status_flags VALUES (?, ?, ?)",
        [(i, ",".join(sorted(f)), ",".join(sorted(f | {"review"}))) for i, f in flags.items()],
    )
    lists = conn.execute(
        "SELECT missing, min(min(created_at), min(updated_at)) FROM applications GROUP BY missing"
    ).fetchall()
    conn.executemany(
        "INSERT INTO status_missing VALUES (?, ?)",
        [(text, missing_cell(json_list(text))) for text, _ in lists if isinstance(text, str)],
    )
    try:
        oldest = min([_time(earliest) for _, earliest in lists], default=now)
    except (TypeError, ValueError):
        return False
    conn.executemany("INSERT INTO status_spans VALUES (?, ?)", _spans(now, (now - oldest).days))
    return True


def _spans(now: datetime, days: int) -> list[tuple[str, str]]:
    """(until, span): a time on or before until and after the next one is _span(now - time) old."""
    steps = [timedelta(minutes=m) for m in range(60)] + [timedelta(hours=h) for h in range(1, 24)]
    steps += [timedelta(days=d) for d in range(1, days + 1)]
    return [(_stored(now - step), _span(step)) for step in steps]


def _where(conn: sqlite3.Connection, filters: Filters) -> tuple[str | None, dict[str, object]]:
    """The filters of status._matches as SQL; None for one it cannot say exactly."""
    terms, params = ["1"], dict[str, object]()
    if filters.statuses:
        terms.append(f"a.status IN ({_placeholders('status', filters.statuses, params)})")
    if filters.working_group:
        # Python's upper(), not SQLite's (ASCII only): decided for each working group there is.
        wanted = filters.working_group.upper()
        groups = [wg for (wg,) in conn.execute("SELECT DISTINCT working_group FROM applications")]
        matching = [wg for wg in groups if wg.upper() == wanted]
        terms.append(f"a.working_group IN ({_placeholders('wg', matching, params)})")
    if filters.category:
        terms.append("a.category = :category")
        params["category"] = filters.category
    if filters.since:
        if filters.since.tzinfo is None:
            return None, params
        # A row with its time in another format is kept, so that the check for such rows sees it.
        terms.append("(a.updated_at >= :since OR NOT a.updated_at GLOB :time)")
        params["since"] = _stored(filters.since)
    return " AND ".join(terms), params


def _placeholders(name: str, values: tuple[str, ...] | list[str], params: dict[str, object]) -> str:
    names = [f"{name}{i}" for i in range(len(values))]
    params.update(zip(names, values, strict=True))
    return ", ".join(f":{n}" for n in names) or "NULL"


def _cells_sql(where: str, sort: str) -> str:
    whens = " ".join(f"WHEN {_quoted(k)} THEN {_quoted(v)}" for k, v in SHORT_CATEGORY.items())
    return CELLS.format(
        category=f"CASE a.category {whens} ELSE '?' END",
        age=_span_of("a.created_at"),
        idle=_span_of("a.updated_at"),
        where=where,
        order=ORDERS[sort],
    )


def _widths_sql() -> str:
    return (
        "SELECT count(*), count(DISTINCT wg) > 1, max(flags <> ''), max(odd OR missing IS NULL OR span IS NULL), "
        + ", ".join(f"max(length({cell}))" for cell in COLUMNS.values())
        + " FROM status_cells"
    )


def _lines_sql(header: list[str], widths: list[int]) -> str:
    """Each line as render_table makes it: cells padded to their column and cut with "…" where too
    long (_pad), joined by two spaces, trailing spaces stripped. printf's "!" counts characters."""
    formats, cells = [], []
    for h, w in zip(header, widths, strict=True):
        cell = COLUMNS[h]
        if h in ("ORGANISATION", "MISSING"):  # the only columns narrower than their widest cell
            cell = f"CASE WHEN length({cell}) > {w} THEN substr({cell}, 1, {w - 1}) || '…' ELSE {cell} END"
        formats.append("%s" if h == header[-1] else f"%!-{w}s")  # the last one: rtrim would strip it
        cells.append(cell)
    pattern = "  ".join(formats)
    # One string: a scan of status_cells goes in rowid order, the order the rows went in.
    return f"SELECT group_concat(rtrim(printf('{pattern}', {', '.join(cells)})), char(10)) FROM status_cells"


def _span_of(stored: str) -> str:
    """NULL for a time after now (the row path then tells)."""
    return f"(SELECT cell FROM status_spans WHERE until >= {stored} ORDER BY until LIMIT 1)"


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _stored(moment: datetime) -> str:
    """A time as SQLAlchemy stores it in SQLite: naive UTC text with microseconds."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
