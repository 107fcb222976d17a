"""The staff overview over a realistic database: dozens of applications in every state."""

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import inspect, select

from intake_bot import status
from intake_bot.assess import assess
from intake_bot.cli import main
from intake_bot.config import Settings
from intake_bot.errors import UsageError
from intake_bot.lifecycle import decide
from intake_bot.pipeline import Incoming, Pipeline
from intake_bot.staff import set_field
from intake_bot.status import Filters, quarantined_count, read_status, render_table, status_rows, stuck
from intake_bot.store import repository as repo
from intake_bot.store.db import SCHEMA_HEAD, alembic_config, open_database
from intake_bot.store.readonly import connect_at_head
from intake_bot.store.schema import Application, Reply
from intake_bot.times import as_utc
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
        decide(s, settings, "SMCWG-2026-0001", "approve", "", "chair", NOW, force=True)
        decide(s, settings, "SMCWG-2026-0002", "reject", "not a CA", "chair", NOW)
        decide(s, settings, "SMCWG-2026-0003", "withdraw", "", "chair", NOW)
        s.get(Reply, 5).state = "failed"
    return settings, db


def test_table_fits_80_columns(busy):
    settings, _ = busy
    rows, _ = read_status(settings.database_url, Filters(), NOW)
    table = render_table(rows, NOW, width=80)
    lines = table.splitlines()
    assert len(lines) == 40  # header, 36 rows, blank, legend
    assert lines[0].split()[:4] == ["REFERENCE", "ORGANISATION", "CAT", "STATUS"]
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    assert "failed" in table and "approved" in table and "rejected" in table


def test_filters_and_sorting(busy):
    settings, _ = busy

    def rows(filters: Filters) -> list[dict]:
        return read_status(settings.database_url, filters, NOW)[0]

    issuers = rows(Filters(category="certificate_issuer"))
    decided = rows(Filters(statuses=("approved", "rejected")))
    recent = rows(Filters(since=NOW - timedelta(days=3)))
    newest_first = rows(Filters(sort="activity"))
    other_wg = rows(Filters(working_group="SCWG"))
    assert issuers and all(r["category"] == "certificate_issuer" for r in issuers)
    assert sorted(r["status"] for r in decided) == ["approved", "rejected"]
    assert recent and all(r["last_activity"] >= (NOW - timedelta(days=3)).isoformat() for r in recent)
    assert newest_first[0]["last_activity"] >= newest_first[-1]["last_activity"]
    assert other_wg == []


def test_stuck_things_are_reported(busy):
    settings, _ = busy
    rows, _ = read_status(settings.database_url, Filters(), NOW)
    assert any("reply failed" in p for p in stuck(rows, 0))
    assert stuck([], 2) == ["2 message(s) in quarantine"]


def test_status_check_exit_code_and_csv(busy, tmp_path, capsys):
    settings, _ = busy
    cfg = config_file(settings, tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(["--config", str(cfg), "status", "--check"])
    assert exc.value.code == 3
    assert "reply failed" in capsys.readouterr().err
    main(["--config", str(cfg), "status", "--csv", "--status", "approved"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("reference,") and len(lines) == 2
    main(["--config", str(cfg), "quarantine", "--json"])
    assert json.loads(capsys.readouterr().out) == []


# An IPR agreement without a policy version, naming another company: a person should look at it.
IPR_FOR_REVIEW = json.dumps(
    {
        "filename": "ipr.pdf",
        "sha256": "0" * 64,
        "size": 1,
        "kind": "ipr_agreement",
        "dated": True,
        "organization": "Entirely Different Holdings",
    }
)


def config_file(settings: Settings, tmp_path) -> str:
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        f'[database]\nurl = "{settings.database_url}"\n[storage]\npath = "{settings.storage_path}"\n'
    )
    return str(cfg)


def summaries(s) -> dict[str, tuple]:
    """(organisation, category, needs review) of each application: as stored, and as folding and
    assessing its field statements gives them."""
    stored, folded = {}, {}
    for app in s.scalars(select(Application)):
        f = repo.current_fields(s, app.id)
        review = assess(f, app.working_group, received_at=as_utc(app.created_at)).review
        stored[app.reference] = (app.organization_name, app.category, app.needs_review)
        folded[app.reference] = (f["organization_name"], f["category"], bool(review))
    return {"stored": stored, "folded": folded}


def test_summary_columns_follow_processing_and_staff_corrections(busy):
    settings, db = busy
    pipeline = Pipeline(settings, db, clock=lambda: NOW)
    with db.transaction() as s:
        set_field(s, pipeline, "SMCWG-2026-0007", "organization_name", "Renamed Ltd", "staff", NOW)
        set_field(s, pipeline, "SMCWG-2026-0008", "category", "interested_party", "staff", NOW)
        set_field(s, pipeline, "SMCWG-2026-0009", "ipr_agreement", IPR_FOR_REVIEW, "staff", NOW)
        found = summaries(s)
    assert found["stored"] == found["folded"]
    assert found["stored"]["SMCWG-2026-0001"] == ("Acme Trust Services 0", "certificate_issuer", False)
    assert found["stored"]["SMCWG-2026-0007"][0] == "Renamed Ltd"
    assert found["stored"]["SMCWG-2026-0008"][1] == "interested_party"
    assert found["stored"]["SMCWG-2026-0009"][2] is True
    rows = {r["reference"]: r for r in read_status(settings.database_url, Filters(), NOW)[0]}
    assert rows["SMCWG-2026-0007"]["organization_name"] == "Renamed Ltd"
    assert "review" in rows["SMCWG-2026-0009"]["flags"]


def test_migration_0007_fills_in_existing_applications(busy):
    settings, db = busy
    with db.transaction() as s:
        set_field(s, Pipeline(settings, db), "SMCWG-2026-0009", "ipr_agreement", IPR_FOR_REVIEW, "x", NOW)
    before = read_status(settings.database_url, Filters(), NOW)
    command.downgrade(alembic_config(db.url), "0006")
    assert "needs_review" not in {c["name"] for c in inspect(db.engine).get_columns("applications")}
    with pytest.raises(UsageError, match="run `intake-bot db upgrade`"):  # reading never migrates
        read_status(settings.database_url, Filters(), NOW)
    db.ensure_schema()  # what `db upgrade` or the next poll does
    after = read_status(settings.database_url, Filters(), NOW)
    assert db.revision() == SCHEMA_HEAD
    assert after == before
    assert any("review" in r["flags"] for r in after[0])
    with db.transaction() as s:
        found = summaries(s)
    assert found["stored"] == found["folded"]


def test_sqlite_reader_gives_the_rows_sqlalchemy_gives(busy):
    settings, db = busy
    if not db.url.startswith("sqlite"):
        pytest.skip("the standard-library reader is for SQLite only")
    with db.transaction() as s:
        repo.add_event(s, 4, "no_reply", "DMARC policy of the sender's domain: not answered", NOW)
    later = NOW + timedelta(hours=2)  # replies queued at NOW are stuck by then
    with db.transaction() as s:
        query = s.connection().exec_driver_sql
        expected = status_rows(query, Filters(), later), quarantined_count(query)
    conn = connect_at_head(db.url)
    assert conn is not None
    with conn:
        assert (status_rows(conn.execute, Filters(), later), quarantined_count(conn.execute)) == expected
    conn.close()
    flags = {flag for row in expected[0] for flag in row["flags"]}
    assert {"failed", "stuck", "dmarc"} <= flags


def test_status_on_sqlite_imports_no_sqlalchemy_jinja2_or_pipeline(busy, tmp_path):
    settings, _ = busy
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("other databases go through SQLAlchemy")
    script = (
        "import sys\n"
        "from intake_bot.cli import main\n"
        "main(['--config', sys.argv[1], 'status'])\n"
        "heavy = ('sqlalchemy', 'alembic', 'jinja2', 'intake_bot.pipeline', 'intake_bot.assess', 'intake_bot.export')\n"
        "print('imported:', [m for m in heavy if m in sys.modules])\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, config_file(settings, tmp_path)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert "SMCWG-2026-0036" in run.stdout
    assert run.stdout.rstrip().endswith("imported: []")


@pytest.mark.parametrize(
    "stored", ["2026-11-27 10:09:56.000000", "2026-11-27 10:09:56.250000", datetime(2026, 11, 27, 10, 9, 56)]
)
def test_stored_times_read_as_sqlalchemy_reads_them(stored):
    expected = (stored if isinstance(stored, datetime) else datetime.fromisoformat(stored)).replace(
        tzinfo=UTC
    )
    assert status._time(stored) == expected
    assert status._iso(stored) == expected.isoformat()
