"""The staff overview over a realistic database: dozens of applications in every state."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from intake_bot.cli import main
from intake_bot.config import Settings
from intake_bot.pipeline import Incoming, Pipeline
from intake_bot.staff import decide
from intake_bot.status import Filters, render_table, status_rows, stuck
from intake_bot.store.db import open_database
from intake_bot.store.schema import Reply
from mails import make_mail

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
ORGS = [
    "Acme Trust Services",
    "Nordlys CA AS",
    "Quillmail Ltd",
    "Very Long Organisation Name Certification Authority International GmbH & Co. KG",
    "Zeta Mail",
    "Ümlaut Sicherheit AG",
]
CATEGORIES = ["Certificate Issuer", "Certificate Consumer", "Interested Party", "Associate Member"]


def application(i: int) -> bytes:
    body = (
        f"We apply to join the SMCWG.\n\nOrganization Name: {ORGS[i % len(ORGS)]} {i}\n"
        f"Category: {CATEGORIES[i % 4]}\n"
    )
    if i % 3:
        body += f"Website: https://org{i}.example\nVoting Representative: Rep {i}, rep{i}@org{i}.example\n"
    if i % 5 == 0:
        body += f"Emergency Contact: soc@org{i}.example, +1 555 01{i:02d}\n"
    return make_mail(body, sender=f"applicant{i}@org{i}.example", subject=f"Membership application {i}")


@pytest.fixture
def busy(tmp_path, database_url):
    settings = Settings(database_url=database_url, storage_path=tmp_path / "store")
    db = open_database(settings.database_url)
    pipeline = Pipeline(settings, db, clock=lambda: NOW)
    for i in range(36):
        pipeline.process(Incoming(raw=application(i), received_at=NOW - timedelta(days=40 - i, hours=i)))
    with db.transaction() as s:
        decide(s, "SMCWG-2026-0001", "approve", "", "chair", NOW)
        decide(s, "SMCWG-2026-0002", "reject", "not a CA", "chair", NOW)
        decide(s, "SMCWG-2026-0003", "withdraw", "", "chair", NOW)
        s.get(Reply, 5).state = "failed"
    return settings, db


def test_table_fits_80_columns(busy):
    _, db = busy
    with db.transaction() as s:
        rows = status_rows(s, Filters(), NOW)
    table = render_table(rows, NOW, width=80)
    lines = table.splitlines()
    assert len(lines) == 40  # header, 36 rows, blank, legend
    assert lines[0].split()[:4] == ["REFERENCE", "ORGANISATION", "CAT", "STATUS"]
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    assert "failed" in table and "approved" in table and "rejected" in table


def test_filters_and_sorting(busy):
    _, db = busy
    with db.transaction() as s:
        issuers = status_rows(s, Filters(category="certificate_issuer"), NOW)
        decided = status_rows(s, Filters(statuses=("approved", "rejected")), NOW)
        recent = status_rows(s, Filters(since=NOW - timedelta(days=3)), NOW)
        newest_first = status_rows(s, Filters(sort="activity"), NOW)
        other_wg = status_rows(s, Filters(working_group="SCWG"), NOW)
    assert issuers and all(r["category"] == "certificate_issuer" for r in issuers)
    assert sorted(r["status"] for r in decided) == ["approved", "rejected"]
    assert recent and all(r["last_activity"] >= (NOW - timedelta(days=3)).isoformat() for r in recent)
    assert newest_first[0]["last_activity"] >= newest_first[-1]["last_activity"]
    assert other_wg == []


def test_stuck_things_are_reported(busy):
    _, db = busy
    with db.transaction() as s:
        rows = status_rows(s, Filters(), NOW)
    assert any("reply failed" in p for p in stuck(rows, 0))
    assert stuck([], 2) == ["2 message(s) in quarantine"]


def test_status_check_exit_code_and_csv(busy, tmp_path, capsys):
    settings, _ = busy
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        f'[database]\nurl = "{settings.database_url}"\n[storage]\npath = "{settings.storage_path}"\n'
    )
    with pytest.raises(SystemExit) as exc:
        main(["--config", str(cfg), "status", "--check"])
    assert exc.value.code == 3
    assert "reply failed" in capsys.readouterr().err
    main(["--config", str(cfg), "status", "--csv", "--status", "approved"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("reference,") and len(lines) == 2
    main(["--config", str(cfg), "quarantine", "--json"])
    assert json.loads(capsys.readouterr().out) == []
