"""Every command through the command line, as staff and cron use it."""

import json
import re
from pathlib import Path

import click
import pytest

from bot import run_cli
from intake_bot.cli import cli, main
from mails import make_mail

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture
def config(tmp_path, database_url):
    path = tmp_path / "intake-bot.toml"
    path.write_text(f'[database]\nurl = "{database_url}"\n[storage]\npath = "{tmp_path / "st"}"\n')
    return path


@pytest.fixture
def run(config, capsys, monkeypatch):
    monkeypatch.delenv("INTAKE_BOT_CONFIG", raising=False)

    def invoke(*args: str) -> tuple[int, str, str]:
        return run_cli(capsys, "--config", str(config), *args)

    return invoke


@pytest.fixture
def ingested(run, tmp_path):
    app = tmp_path / "app.eml"
    app.write_bytes(make_mail())
    question = tmp_path / "q.eml"
    question.write_bytes(make_mail("Is there a BR changelog?", subject="Question", sender="q@uni.test"))
    assert run("ingest", str(app), str(question))[0] == 0
    return "SMCWG-2026-0001"


def test_export_json_has_the_spec_shape(run, ingested):
    code, out, _ = run("export", "--format", "json")
    data = json.loads(out)
    assert code == 0
    (app,) = data["applications"]
    for key in (
        "reference",
        "status",
        "category",
        "organization_name",
        "website_url",
        "applicant_email",
        "representatives",
        "emergency_contact",
        "audit_report_url",
        "certificate_evidence",
        "ipr_agreement",
        "missing",
        "messages",
        "replies",
    ):
        assert key in app
    assert app["messages"][0]["message_id"].startswith("<")
    assert data["other_messages"] == [
        {"message_id": data["other_messages"][0]["message_id"], "disposition": "not_application"}
    ]


def test_export_csv(run, ingested):
    code, out, _ = run("export", "--format", "csv")
    assert code == 0
    header, row = out.splitlines()[:2]
    assert header.startswith("reference,") and row.startswith(ingested)


def test_status_table_and_json(run, ingested):
    code, out, _ = run("status")
    assert code == 0 and ingested in out and "Example Trust Ltd" in out
    code, out, _ = run("status", "--json")
    (row,) = json.loads(out)
    assert row["reference"] == ingested and row["missing"] == ["ipr_agreement"]
    assert run("status", "--status", "complete")[1].strip() == "no applications"


def test_show(run, ingested):
    code, out, _ = run("show", ingested)
    assert code == 0 and "alice@example-trust.test" in out and "ipr_agreement" in out
    detail = json.loads(run("show", ingested, "--json")[1])
    assert detail["history"][0]["kind"] == "opened"
    assert run("show", "SMCWG-1999-0001")[0] == 2


def test_decisions_are_recorded_with_who(run, ingested):
    assert run("note", ingested, "called them", "--by", "chair")[0] == 0
    assert run("reject", ingested, "--reason", "not a CA", "--by", "chair")[0] == 0
    detail = json.loads(run("show", ingested, "--json")[1])
    assert detail["status"] == "rejected"
    assert [(h["actor"], h["kind"]) for h in detail["history"][-3:]] == [
        ("chair", "note"),
        ("chair", "rejected"),
        ("chair", "reply_queued"),  # the decision mail
    ]
    code, _, err = run("withdraw", ingested)
    assert code == 2 and "already rejected" in err and "--force" in err
    assert run("withdraw", ingested, "--force")[0] == 0
    code, _, err = run("approve", ingested, "--force", "--no-mail")  # still missing its IPR agreement
    assert code == 0
    detail = json.loads(run("show", ingested, "--json")[1])
    assert detail["status"] == "approved"
    assert [r["kind"] for r in detail["replies"]] == ["missing_items", "rejected", "withdrawn"]
    assert {r["state"] for r in detail["replies"]} == {"superseded"}  # what was said before no longer holds


def test_approving_an_incomplete_application_names_what_is_missing(run, ingested):
    code, _, err = run("approve", ingested)
    assert code == 2 and "ipr_agreement" in err
    assert json.loads(run("show", ingested, "--json")[1])["status"] == "incomplete"


def test_set_corrects_a_field_and_reassesses(run, ingested):
    code, out, _ = run(
        "set",
        ingested,
        "ipr_agreement",
        '{"filename": "ipr.pdf", "sha256": "abababababababababababababababababababababababababababababababab", "size": 1}',
    )
    assert code == 0 and "missing: nothing" in out
    assert json.loads(run("export")[1])["applications"][0]["status"] == "complete"
    assert run("set", ingested, "organization_name", "Example Trust Limited")[0] == 0
    assert json.loads(run("export")[1])["applications"][0]["organization_name"] == "Example Trust Limited"
    code, _, err = run("set", ingested, "colour", "blue")
    assert code == 2 and "unknown field" in err


def test_reprocess_keeps_staff_corrections_and_sends_nothing(run, ingested):
    run("set", ingested, "organization_name", "Corrected Name")
    code, out, _ = run("reprocess", ingested)
    assert code == 0
    app = json.loads(run("export")[1])["applications"][0]
    assert app["organization_name"] == "Corrected Name" and len(app["replies"]) == 1
    assert run("reprocess", "--all") == (0, "reprocessed 1 application(s)\n", "")
    assert run("reprocess")[0] == 2


def test_attachment_is_saved_by_name(run, tmp_path):
    mail = tmp_path / "a.eml"
    mail.write_bytes(make_mail(attachments=[("logo.png", "image/png", b"\x89PNG\r\n\x1a\nfake")]))
    run("ingest", str(mail))
    target = tmp_path / "out.png"
    assert run("attachment", "SMCWG-2026-0001", "logo.png", "-o", str(target))[0] == 0
    assert target.read_bytes().startswith(b"\x89PNG")
    code, _, err = run("attachment", "SMCWG-2026-0001", "nope.pdf", "-o", str(target))
    assert code == 2 and "logo.png" in err


def test_preview_and_resend(run, ingested):
    code, out, _ = run("preview", ingested)
    assert code == 0 and f"[{ingested}]" in out and "Signed IPR Agreement" in out
    assert run("resend", ingested)[0] == 0
    replies = json.loads(run("export")[1])["applications"][0]["replies"]
    assert len(replies) == 2 and replies[0]["message_id"] != replies[1]["message_id"]


def test_quarantine_and_requeue(run, tmp_path):
    bad = tmp_path / "bad.eml"
    bad.write_bytes(b"\r\n\r\n")
    assert run("ingest", str(bad))[0] == 0
    code, out, _ = run("quarantine")
    assert code == 0 and "empty message" in out
    (row,) = json.loads(run("quarantine", "--json")[1])
    assert run("requeue", str(row["id"]))[0] == 0
    assert run("requeue", "9999")[0] == 2


def test_ingest_mbox_and_maildir(run, tmp_path):
    mbox = tmp_path / "in.mbox"
    mbox.write_bytes(b"From a@b Mon Nov  2 10:00:00 2026\n" + make_mail().replace(b"\r\n", b"\n") + b"\n")
    maildir = tmp_path / "md"
    (maildir / "new").mkdir(parents=True)
    (maildir / "cur").mkdir()
    (maildir / "new" / "1").write_bytes(make_mail(sender="z@other.test", subject="Membership", body="hello"))
    assert run("ingest", str(mbox), str(maildir))[0] == 0
    data = json.loads(run("export")[1])
    assert len(data["applications"]) == 1 and len(data["other_messages"]) == 1


def test_missing_file_is_a_usage_error(run):
    code, _, err = run("ingest", "/nonexistent.eml")
    assert code == 2 and err.strip().startswith("intake-bot:") and "Traceback" not in err


def test_poll_and_send_without_servers_configured_exit_2(run):
    assert run("poll")[0] == 2
    assert run("send")[0] == 2


def test_bad_config_is_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[imap]\nhost = 'h'\npassword = 'secret'\n")
    with pytest.raises(SystemExit) as exc:
        main(["--config", str(bad), "status"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and len(err.strip().splitlines()) == 1 and "secret" not in err


def test_db_upgrade_and_config_check(run):
    assert run("db", "upgrade") == (0, "database is up to date\n", "")
    code, out, _ = run("config", "check")
    assert code == 0 and "database  ok" in out
    (warning,) = [line for line in out.splitlines() if "warn" in line]
    assert "trusted_authserv_ids" in warning  # anyone can forge an applicant's From without it


def test_demo_runs_on_the_bundled_samples(run, tmp_path):
    code, out, _ = run("demo", "--dir", str(tmp_path / "demo"))
    assert code == 0 and "SMCWG-2026-0001" in out and "complete" in out


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        found.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            found += _commands(command, f"{prefix}{name} ")
    return found


@pytest.mark.parametrize(("name", "command"), _commands(cli))
def test_every_command_has_help_and_is_in_the_readme(name, command):
    assert (command.help or "").strip(), f"{name} has no help text"
    assert re.search(rf"intake-bot[^\n`]* {re.escape(name)}\b", README.read_text()), f"{name} not in README"


def test_everything_created_is_private(run, ingested, tmp_path):
    created = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix not in (".eml", ".toml")]
    assert created and all(p.stat().st_mode & 0o077 == 0 for p in created), [
        (p.name, oct(p.stat().st_mode)) for p in created if p.stat().st_mode & 0o077
    ]
