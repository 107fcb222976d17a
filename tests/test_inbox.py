"""Mail that needs a person: `possible_application`, `intake-bot inbox` and `intake-bot open`, end to end
through the command line and the real database."""

import json

import pytest

from bot import run_cli
from mails import make_mail

# Application data in a language the lexicon does not know (Albanian): no word of joining is read,
# so it is not answered, but neither is it lost among the unanswered.
ALBANIAN = """Përshëndetje,

Kategoria e anëtarësisë: Certificate Consumer
Emri i organizatës: Shembull Posta sh.p.k.
Faqja e internetit: https://www.shembull-posta.test
Përfaqësuesit: Ana Hoxha <ana.hoxha@shembull-posta.test>
Kontakti emergjent: soc@shembull-posta.test, +355 4 555 0199
"""

PITCH = """Dear CA/Browser Forum,

Our team helps Certificate Issuers join the S/MIME Certificate Working Group. We would also like to
apply to join as an Interested Party ourselves.

Category: Interested Party
Organisation: Pitchy Partners Ltd
Website: https://pitchy.test
Our clients have a 24/7 incident line: +44 20 5555 0100.
"""

QUESTION = """Hello,

We are a CA in Portugal. What are the requirements to join the SMCWG as a Certificate Issuer?
Could you tell us whether the v1.3 IPR agreement is still enough?
"""


@pytest.fixture
def run(tmp_path, database_url, capsys, monkeypatch):
    monkeypatch.delenv("INTAKE_BOT_CONFIG", raising=False)
    config = tmp_path / "intake-bot.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n[storage]\npath = "{tmp_path / "st"}"\n')

    def invoke(*args: str) -> tuple[int, str, str]:
        return run_cli(capsys, "--config", str(config), *args)

    return invoke


def ingest(run, tmp_path, name: str, raw: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(raw)
    assert run("ingest", str(path))[0] == 0


def export(run) -> dict:
    return json.loads(run("export", "--format", "json")[1])


def test_unreadable_application_waits_in_the_inbox_and_is_opened_by_hand(run, tmp_path):
    ingest(run, tmp_path, "sq.eml", make_mail(ALBANIAN, subject="SMCWG", message_id="<sq-1@shembull.test>"))
    data = export(run)
    assert data["applications"] == []
    assert {"message_id": "<sq-1@shembull.test>", "disposition": "possible_application"} in data[
        "other_messages"
    ]

    code, out, err = run("status")
    assert code == 0 and "1 possible application: intake-bot inbox" in err
    (row,) = json.loads(run("inbox", "--json")[1])
    assert row["disposition"] == "possible_application" and row["from"] == "alice@example-trust.test"
    assert row["subject"] == "SMCWG" and row["why"]
    assert "id,received_at,message_id,from,subject,disposition,why" in run("inbox", "--csv")[1]
    assert "Make an application of one" in run("inbox")[1]

    code, out, _ = run("open", "sq-1@shembull.test", "--by", "jane")  # the Message-ID without brackets
    assert code == 0 and "SMCWG-2026-0001 opened" in out
    (app,) = export(run)["applications"]
    assert app["category"] == "certificate_consumer"
    assert [r["kind"] for r in app["replies"]] == ["missing_items"]  # its reply, as for any application
    history = json.loads(run("show", app["reference"], "--json")[1])["history"]
    assert any(e["actor"] == "jane" and e["kind"] == "opened_by_staff" for e in history)
    assert run("inbox", "--json")[1].strip() == "[]"
    assert "possible application" not in run("status")[2]
    assert run("open", "sq-1@shembull.test")[0] == 2  # already an application


def test_open_by_inbox_id_with_a_category(run, tmp_path):
    ingest(run, tmp_path, "q.eml", make_mail(QUESTION, subject="Joining the SMCWG", sender="rui@ca.test"))
    (row,) = json.loads(run("inbox", "--json")[1])
    assert row["disposition"] == "not_application" and row["why"] == "a question about joining"
    assert "1 question about joining: intake-bot inbox" in run("status")[2]
    code, out, _ = run("open", str(row["id"]), "--category", "certificate_issuer", "--by", "sam")
    assert code == 0
    (app,) = export(run)["applications"]
    assert app["category"] == "certificate_issuer" and app["applicant_email"] == "rui@ca.test"


def test_open_refuses_what_is_not_in_the_inbox(run, tmp_path):
    ingest(run, tmp_path, "a.eml", make_mail(message_id="<app@example-trust.test>"))
    ingest(run, tmp_path, "n.eml", make_mail("Is there a BR changelog?", subject="BR", sender="q@uni.test"))
    assert run("open", "<app@example-trust.test>")[0] == 2  # an application already
    assert run("open", "9999")[0] == 2
    other = [m for m in export(run)["other_messages"] if m["disposition"] == "not_application"]
    assert other and run("open", other[0]["message_id"])[0] == 2  # not a question about joining
    assert run("open", "<app@example-trust.test>", "--category", "nonsense")[0] == 2


def test_a_pitch_that_also_applies_is_for_a_person(run, tmp_path):
    ingest(run, tmp_path, "p.eml", make_mail(PITCH, subject="SMCWG"))
    data = export(run)
    assert data["applications"] == []
    assert [m["disposition"] for m in data["other_messages"]] == ["possible_application"]
    (row,) = json.loads(run("inbox", "--json")[1])
    assert "mixed signals" in row["why"]


def test_terminal_output_has_no_control_characters(run, tmp_path):
    ingest(run, tmp_path, "sq.eml", make_mail(ALBANIAN, subject="SMCWG \x1b[31mred"))
    out = run("inbox")[1]
    assert "\x1b" not in out
