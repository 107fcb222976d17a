"""The status table rendered by SQLite (status_sql) is the row path's table, byte for byte."""

from datetime import UTC, datetime, timedelta

import pytest

from intake_bot.status import SHORT_CATEGORY, SHORT_ITEMS, SORTS, Filters, read_status, render_table
from intake_bot.status_sql import read_table
from intake_bot.store.db import open_database

NOW = datetime(2026, 11, 27, 12, 0, 30, 250000, tzinfo=UTC)
STATUSES = ["incomplete", "complete", "approved", "rejected", "withdrawn"]
CATEGORIES = [*SHORT_CATEGORY, None, "something_else"]
GROUPS = ["SMCWG", "SCWG", "NetSec"]
ORGS = [
    "Acme Trust Services",
    "Ümlaut Sicherheit AG",
    "ßtraße Zertifikate GmbH",
    "Very Long Organisation Name Certification Authority International GmbH & Co. KG",
    "",
    None,
    "zeta mail",
    "Øresund Ålborg Åbo Certifikat Myndighed og Tillidstjenester A/S",
]
ITEMS = [*SHORT_ITEMS, "an_item_without_short_name"]
AGES = [  # around every boundary of the AGE/IDLE spans
    timedelta(seconds=5),
    timedelta(minutes=1),
    timedelta(minutes=59, seconds=59, microseconds=999999),
    timedelta(hours=1),
    timedelta(hours=23, minutes=59, seconds=59),
    timedelta(days=1),
    timedelta(days=45, hours=3),
    timedelta(days=200),
]
REPLY_STATES = [  # (state, queued how long ago): each flag, and replies that flag nothing
    ("failed", timedelta(days=2)),
    ("bounced", timedelta(days=2)),
    ("queued", timedelta(hours=1, microseconds=1)),  # stuck
    ("sending", timedelta(hours=3)),  # stuck
    ("queued", timedelta(hours=1)),  # not yet
    ("sent", timedelta(days=3)),
]


def stored(moment: datetime) -> str:
    return moment.replace(tzinfo=None).isoformat(" ", "microseconds")


def application(i: int) -> dict:
    created = NOW - AGES[i % len(AGES)] - timedelta(days=i % 5 * 7)
    updated = NOW - AGES[(i * 3) % len(AGES)] if i % 4 else created
    org = ORGS[i % len(ORGS)]
    return {
        "id": i + 1,
        "reference": f"{GROUPS[i % 3].upper()}-2026-{i + 1:04d}",
        "wg": GROUPS[i % 3],
        "status": STATUSES[i % len(STATUSES)],
        "missing": "[" + ", ".join(f'"{item}"' for item in ITEMS[: i % 12]) + "]",
        "created": stored(created),
        "updated": stored(max(updated, created)),
        "org": f"{org} {i}" if org else org,
        "category": CATEGORIES[i % len(CATEGORIES)],
        "review": int(i % 7 == 3),
    }


@pytest.fixture
def url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'status.db'}"
    with open_database(url).engine.begin() as conn:
        for i in range(90):
            conn.exec_driver_sql(
                "INSERT INTO applications (id, reference, working_group, status, applicant_email,"
                " applicant_domain, missing, created_at, updated_at, organization_name, category,"
                " needs_review) VALUES (:id, :reference, :wg, :status, 'a@example.org', 'example.org',"
                " :missing, :created, :updated, :org, :category, :review)",
                application(i),
            )
        for n, (state, ago) in enumerate(REPLY_STATES * 3):
            conn.exec_driver_sql(
                "INSERT INTO replies (application_id, kind, to_address, message_id, in_reply_to, items,"
                " raw, state, attempts, last_error, created_at) VALUES (?, 'ack', 'a@example.org', ?,"
                " '', '[]', x'', ?, 0, '', ?)",
                (n * 5 % 90 + 1, f"<r{n}@example.org>", state, stored(NOW - ago)),
            )
        for app_id, detail in [(4, "DMARC policy of the sender's domain"), (9, "auto-reply"), (12, "DMARC")]:
            conn.exec_driver_sql(
                "INSERT INTO events (application_id, at, actor, kind, detail) VALUES (?, ?, 'bot', 'no_reply', ?)",
                (app_id, stored(NOW), detail),
            )
    return url


FILTERS = [
    *(Filters(sort=sort) for sort in SORTS),
    Filters(statuses=("approved", "rejected")),
    Filters(statuses=("nothing",)),
    Filters(working_group="scwg", sort="activity"),
    Filters(working_group="netsec", sort="organisation"),
    *(Filters(category=category, sort="age") for category in SHORT_CATEGORY),
    Filters(since=NOW - timedelta(days=1), sort="status"),
    Filters(since=NOW - timedelta(minutes=30)),
    Filters(statuses=("incomplete",), working_group="SMCWG", since=NOW - timedelta(days=60)),
]


@pytest.mark.parametrize("filters", FILTERS, ids=repr)
@pytest.mark.parametrize("width", [80, 200, 40])
def test_the_sql_table_is_the_row_table(url, filters, width):
    rows, quarantined = read_status(url, filters, NOW)
    expected = render_table(rows, NOW, width=width)
    assert read_table(url, filters, NOW, width) == (expected, quarantined)


def test_every_flag_and_cut_is_covered(url):
    rows, _ = read_status(url, Filters(), NOW)
    table = render_table(rows, NOW, width=80)
    assert {flag for r in rows for flag in r["flags"]} == {"bounced", "dmarc", "failed", "review", "stuck"}
    assert "…" in table and "Ümlaut" in table
    assert all(span in table for span in ("m/", "h/", "d/"))


def test_times_in_another_format_take_the_row_path(url):
    with open_database(url).engine.begin() as conn:
        conn.exec_driver_sql("UPDATE applications SET updated_at = '2026-11-27T10:00:00' WHERE id = 5")
    assert read_table(url, Filters(), NOW, 80) is None
    later_than_now = stored(NOW + timedelta(minutes=5))
    with open_database(url).engine.begin() as conn:
        conn.exec_driver_sql("UPDATE applications SET updated_at = ? WHERE id = 5", (later_than_now,))
    assert read_table(url, Filters(), NOW, 80) is None  # a span after now: the row path's arithmetic
