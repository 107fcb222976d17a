"""What mail writes never reaches a terminal, a spreadsheet or a reply as anything but text:
control characters are removed on the way in and escaped on the way out; CSV cells are no formulas."""

from __future__ import annotations

import csv
import email
import email.policy
import io
import json
import re

import pytest
from sqlalchemy import text

from bot import run_cli
from intake_bot.cleantext import csv_cell, escape_controls, strip_controls, terminal_json
from intake_bot.config import load_settings
from intake_bot.store.db import open_database
from mails import make_mail

# ESC, BEL, CR, C1 CSI, DEL, and the bidi controls a file name can be reversed with.
HOSTILE = "\x1b]0;owned\x07\x1b[2J\r\x9b31m\x7f\u202e\u2066\u200f\u061c"
IN_HEADER = HOSTILE.replace("\r", "")  # a header line cannot hold a CR
CONTROL_BYTES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

HOSTILE_APPLICATION = f"""Hello,

We would like to apply for membership in the S/MIME Certificate Working Group.

Organization Name: Evil{HOSTILE} Corp
Category: Interested Party
Website: https://evil.test/{HOSTILE}
Representative: Mal Evil, mal@evil.test
Emergency Contact: +1 555 0100, soc@evil.test

Regards,
Mal
"""


@pytest.fixture
def run(tmp_path, database_url, capsys, monkeypatch):
    monkeypatch.delenv("INTAKE_BOT_CONFIG", raising=False)
    config = tmp_path / "intake-bot.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n[storage]\npath = "{tmp_path / "st"}"\n')

    def invoke(*args: str) -> tuple[int, str]:
        code, out, err = run_cli(capsys, "--config", str(config), *args)
        return code, out + err

    invoke.config = config  # type: ignore[attr-defined]
    return invoke


@pytest.fixture
def hostile(run, tmp_path):
    raw = make_mail(
        HOSTILE_APPLICATION,
        sender="Mal Evil <mal@evil.test>",
        subject=f"Application{IN_HEADER}",
        attachments=[(f"agreement{IN_HEADER}fdp.exe", "application/pdf", b"%PDF-1.4\n%%EOF\n")],
    )
    path = tmp_path / "hostile.eml"
    path.write_bytes(raw)
    code, out = run("ingest", str(path))
    assert code == 0 and CONTROL_BYTES.search(out) is None
    return "SMCWG-2026-0001"


def test_nothing_from_mail_is_stored_with_a_control_character(run, hostile):
    settings = load_settings(run.config)
    database = open_database(settings.database_url)
    with database.transaction() as s:
        for table, column in [
            ("messages", "subject"),
            ("messages", "reason"),
            ("attachments", "filename"),
            ("events", "detail"),
            ("applications", "organization_name"),
        ]:
            for (value,) in s.execute(text(f"SELECT {column} FROM {table}")):
                assert CONTROL_BYTES.search(value or "") is None, (table, column, value)
        for (value,) in s.execute(text("SELECT value FROM field_values")):
            assert CONTROL_BYTES.search(json.dumps(value, ensure_ascii=False) if value else "") is None
        replies = [bytes(raw) for (raw,) in s.execute(text("SELECT raw FROM replies"))]
    assert replies
    for raw in replies:  # the reply was rendered in the same transaction, before anything was read back
        reply = email.message_from_bytes(raw, policy=email.policy.default)
        for part in ("plain", "html"):
            body = reply.get_body((part,)).get_content().replace("\r\n", "\n")
            assert "Hello Mal Evil," in body
            assert CONTROL_BYTES.search(body) is None
    database.engine.dispose()


@pytest.mark.parametrize(
    "args",
    [
        ("show", "SMCWG-2026-0001"),
        ("show", "SMCWG-2026-0001", "--json"),
        ("status",),
        ("status", "--json"),
        ("status", "--csv"),
        ("preview", "SMCWG-2026-0001"),
        ("quarantine",),
        ("export", "--format", "json"),
        ("export", "--format", "csv"),
    ],
)
def test_no_output_obeys_a_control_character_from_mail(run, hostile, args):
    code, out = run(*args)
    assert code == 0
    assert CONTROL_BYTES.search(out.replace("\r\n", "\n")) is None  # CSV rows end in CRLF


def test_values_stored_by_an_older_version_are_escaped_on_output(run, hostile):
    """The last line of defence: a value already in the database with control characters in it."""
    settings = load_settings(run.config)
    database = open_database(settings.database_url)
    with database.transaction() as s:  # written around the column types, as an older version did
        s.execute(text("UPDATE applications SET organization_name = :v"), {"v": f"Old{HOSTILE}"})
        s.execute(text("UPDATE messages SET subject = :v, reason = :v"), {"v": f"Old{HOSTILE}"})
        s.execute(text("UPDATE attachments SET filename = :v"), {"v": f"Old{HOSTILE}.pdf"})
    database.engine.dispose()
    code, out = run("attachment", hostile, "nope.pdf", "-o", str(run.config.parent / "x"))
    assert code == 2 and "Old" in out and CONTROL_BYTES.search(out) is None  # the error lists the names
    with database.transaction() as s:
        s.execute(text("UPDATE messages SET disposition = 'quarantined'"))
    database.engine.dispose()
    for args in (("status",), ("status", "--csv"), ("status", "--json"), ("quarantine",), ("show", hostile)):
        code, out = run(*args)
        assert code == 0 and "Old" in out, args
        assert CONTROL_BYTES.search(out.replace("\r\n", "\n")) is None, args
    assert "\\x1b]0;owned\\x07" in run("quarantine")[1]  # shown, not obeyed


def test_csv_exports_hold_no_formula_cell(run, tmp_path):
    raw = make_mail(
        "Hello,\n\nWe apply for the S/MIME Certificate Working Group.\n\n"
        'Organization Name: =HYPERLINK("evil.test","click")\n'  # with '://' it is no organisation name
        "Category: Interested Party\nWebsite: https://evil.test\n"
        "Representative: Mal Evil, mal@evil.test\nEmergency Contact: +1 555 0100\n",
        sender="Mal Evil <mal@evil.test>",
    )
    (tmp_path / "f.eml").write_bytes(raw)
    assert run("ingest", str(tmp_path / "f.eml"))[0] == 0
    for args in (("export", "--format", "csv"), ("status", "--csv"), ("quarantine", "--csv")):
        code, out = run(*args)
        assert code == 0
        cells = [cell for row in csv.reader(io.StringIO(out)) for cell in row]
        assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))], args
    export = run("export", "--format", "csv")[1]
    assert "'=HYPERLINK(" in export  # kept, as text


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1+2", "'=1+2"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),  # OWASP: a phone number too; the apostrophe is shown
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\r=x", "\\x0d=x"),  # escaped first: no longer a formula
        ("Acme Ltd", "Acme Ltd"),
        ("a=b", "a=b"),
        (3, 3),
    ],
)
def test_csv_cell(value, shown):
    assert csv_cell(value) == shown


def test_cleaning_keeps_text_and_removes_only_controls():
    assert strip_controls("Zoë 山田\tx\ny\x1b[2J\u202eZ\x9b") == "Zoë 山田\tx\ny[2JZ"
    assert escape_controls("a\x1bb\u202ec") == "a\\x1bb\\u202ec"
    assert json.loads(terminal_json({"k": "a\x9b\u202eb"})) == {"k": "a\x9b\u202eb"}
    assert CONTROL_BYTES.search(terminal_json({"k": "a\x9b\u202e\x1bb"})) is None
