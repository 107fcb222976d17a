"""The life of three applications, driven through the command line against a real SMTP sink, on
the selected database: dated mails in, staff decisions, reminders, dormancy, exports, the digest.

Time is driven by the mails' Date headers and by `remind --now` (hidden, for tests)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

import pytest

from bot import parse, run_cli
from mails import APPLICATION_BODY, make_mail
from mailservers import SmtpSink

ACME, BETA, GAMMA = "SMCWG-2026-0001", "SMCWG-2026-0002", "SMCWG-2026-0003"
IPR = '{"filename": "ipr.pdf", "sha256": "ab", "size": 1}'


def application(org: str, domain: str, who: str) -> bytes:
    body = APPLICATION_BODY.replace("Example Trust Ltd", org).replace("example-trust.test", domain)
    return make_mail(
        body,
        sender=f"{who.title()} <{who}@{domain}>",
        subject=f"Membership application of {org}",
        message_id=f"<app@{domain}>",
        date="Thu, 01 Oct 2026 10:00:00 +0000",
    )


def later(domain: str, who: str, n: int, date: str, body: str, subject: str = "Re: our application") -> bytes:
    return make_mail(
        body,
        sender=f"{who}@{domain}",
        subject=subject,
        message_id=f"<later{n}@{domain}>",
        headers={"In-Reply-To": f"<app@{domain}>"},
        date=date,
    )


@pytest.fixture
def cli(tmp_path, database_url, smtp_sink: SmtpSink, capsys, monkeypatch):
    monkeypatch.delenv("INTAKE_BOT_CONFIG", raising=False)
    smtp = smtp_sink.smtp_settings()
    config = tmp_path / "intake-bot.toml"
    config.write_text(
        f'[database]\nurl = "{database_url}"\n[storage]\npath = "{tmp_path / "store"}"\n'
        f'[smtp]\nhost = "{smtp.host}"\nport = {smtp.port}\nsecurity = "{smtp.security}"\n'
        f'ca_file = "{smtp.ca_file}"\nusername = "{smtp.username}"\npassword_file = "{smtp.password.file}"\n'
        'from_address = "questions@cabforum.org"\ntimeout = 5\n'
        '[replies]\nremind_after_days = 14\nmax_reminders = 2\ndigest_to = "membership@cabforum.org"\n'
    )

    def run(*args: str, expect: int = 0) -> str:
        code, out, err = run_cli(capsys, "--config", str(config), *args)
        assert code == expect, f"{args}: exit {code}\n{err}"
        return out + err

    def ingest(name: str, raw: bytes) -> None:
        path = tmp_path / name
        path.write_bytes(raw)
        run("ingest", str(path))

    run.ingest = ingest  # type: ignore[attr-defined]
    return run


def delivered(sink: SmtpSink) -> list[tuple[str, str, str]]:
    """(to, kind, Message-ID) of each mail the sink took, kind from the first words of the text."""
    out = []
    for m in sink.messages:
        msg = parse(m.data)
        text = msg.get_body(("plain",)).get_content()
        out.append((m.rcpt_tos[0], _kind(str(msg["Subject"]), text), str(msg["Message-ID"])))
    return out


def _kind(subject: str, text: str) -> str:
    for kind, words in (
        ("digest", "What needs a person"),
        ("reminder", "A reminder about your application"),
        ("approved", "has been approved"),
        ("rejected", "has not been approved"),
        ("withdrawn", "has been withdrawn"),
        ("missing_items", "we still need"),
        ("acknowledgement", "We have everything we need"),
    ):
        if words in text:
            return kind
    return subject


def replies_by_state(run) -> dict[str, set[str]]:
    states: dict[str, set[str]] = {}
    for app in json.loads(run("export"))["applications"]:
        for r in app["replies"]:
            states.setdefault(r["state"], set()).add(r["message_id"])
    return states


def status_of(run, reference: str) -> dict:
    return next(r for r in json.loads(run("status", "--json")) if r["reference"] == reference)


def test_three_applications_from_first_mail_to_members_list(cli, smtp_sink: SmtpSink):
    run = cli
    run.ingest("acme.eml", application("Acme Trust Ltd", "acme.test", "alice"))
    run.ingest("beta.eml", application("Beta Mail GmbH", "beta.test", "bob"))
    run.ingest("gamma.eml", application("Gamma Certs Inc", "gamma.test", "carol"))
    # Acme writes again before anything went out: its first reply is stale and never sent.
    run.ingest("acme2.eml", later("acme.test", "alice", 2, "Fri, 02 Oct 2026 09:00:00 +0000", "Thanks!\n"))
    run("set", BETA, "ipr_agreement", IPR)  # complete now

    assert "ipr_agreement" in run("approve", ACME, expect=2)  # incomplete: names what is missing
    preview = run(
        "preview", GAMMA, "--decision", "reject", "--reason", "Not a certificate issuer or consumer."
    )
    assert "Not a certificate issuer or consumer." in preview
    run("approve", BETA)
    run("reject", GAMMA, "--reason", "Not a certificate issuer or consumer.")
    assert "already rejected" in run("withdraw", GAMMA, expect=2)
    run("send")
    sent = delivered(smtp_sink)
    assert Counter((to, kind) for to, kind, _ in sent) == Counter(
        {
            ("alice@acme.test", "missing_items"): 1,
            ("bob@beta.test", "approved"): 1,  # Beta's missing-items reply was superseded by the decision
            ("carol@gamma.test", "rejected"): 1,
        }
    )
    rejection = next(m for m in smtp_sink.messages if m.rcpt_tos == ("carol@gamma.test",))
    assert "Not a certificate issuer or consumer." in parse(rejection.data).get_body(("plain",)).get_content()

    # Acme goes quiet: reminded after 14 days, again 14 days later, then dormant 14 days after that.
    assert run("remind", "--now", "2026-10-15T10:00:00+00:00") == ""
    assert ACME in run("remind", "--now", "2026-10-16T09:00:00+00:00")
    assert run("remind", "--now", "2026-10-16T12:00:00+00:00") == ""  # never twice
    run("send")
    assert run("remind", "--now", "2026-10-29T12:00:00+00:00") == ""
    assert ACME in run("remind", "--now", "2026-10-30T09:00:00+00:00")
    run("send")
    assert status_of(run, ACME)["status"] == "incomplete"
    assert "dormant" in run("remind", "--now", "2026-11-13T09:00:00+00:00")
    assert status_of(run, ACME)["status"] == "dormant"
    assert run("remind", "--now", "2026-12-30T09:00:00+00:00") == ""  # dormant: left alone
    run("send")

    # Any applicant mail wakes it, and it is answered as usual.
    run.ingest(
        "acme3.eml", later("acme.test", "alice", 3, "Fri, 20 Nov 2026 09:00:00 +0000", "Sorry, busy.\n")
    )
    assert status_of(run, ACME)["status"] == "incomplete"
    # Gamma writes after its rejection: kept for staff, flagged, not answered.
    run.ingest(
        "gamma2.eml",
        later(
            "gamma.test",
            "carol",
            2,
            "Sat, 21 Nov 2026 09:00:00 +0000",
            "Please reconsider.",
            f"Re: [{GAMMA}]",
        ),
    )
    assert "new-mail" in status_of(run, GAMMA)["flags"]
    run("send")

    sent = delivered(smtp_sink)
    kinds = Counter((to, kind) for to, kind, _ in sent)
    assert kinds[("alice@acme.test", "reminder")] == 2
    assert kinds[("alice@acme.test", "missing_items")] == 2  # the first, and the answer after waking
    assert not any(to == "carol@gamma.test" and kind != "rejected" for to, kind, _ in sent)
    states = replies_by_state(run)
    received = {mid for _, _, mid in sent}
    assert states["superseded"] and not states["superseded"] & received  # no stale reply went out
    assert all(n == 1 for n in Counter(mid for _, _, mid in sent).values())

    members = json.loads(run("export", "--format", "members"))
    assert members == {
        "forumGroups": [
            {
                "name": "S/MIME Certificate Working Group",
                "participantTypes": [
                    {
                        "participantType": "Certificate Consumer",
                        "members": [{"memberOrganization": "Beta Mail GmbH"}],
                    }
                ],
            }
        ]
    }
    rows = list(csv.DictReader(io.StringIO(run("export", "--format", "representatives"))))
    assert [(r["reference"], r["organization_name"], r["email"], r["voting"]) for r in rows] == [
        (BETA, "Beta Mail GmbH", "alice@beta.test", "true"),
        (BETA, "Beta Mail GmbH", "bob@beta.test", "false"),
    ]

    # The digest tells staff about Gamma's new mail; nothing in it goes to an applicant.
    assert "queued" in run("digest")
    to, kind, _ = delivered(smtp_sink)[-1]
    assert (to, kind) == ("membership@cabforum.org", "digest")
    assert GAMMA in smtp_sink.messages[-1].data.decode()
    run("note", GAMMA, "answered by phone")  # staff have read it: the flag goes
    assert "new-mail" not in status_of(run, GAMMA)["flags"]
