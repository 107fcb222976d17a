from intake_bot.parse import parse_email
from intake_bot.thread import ThreadClues, choose, clues
from mails import make_mail

NOBODY = {
    "by_reference": lambda ref: None,
    "by_message_ids": lambda ids: None,
    "open_for_sender": lambda sender: [],
    "open_for_domain": lambda domain: [],
}


def test_reference_in_subject_is_found():
    c = clues(parse_email(make_mail(subject="Re: [smcwg-2026-0007] our application")))
    assert c.references == ("SMCWG-2026-0007",)


def test_in_reply_to_and_references_are_collected():
    raw = make_mail(headers={"In-Reply-To": "<a@x>", "References": "<b@x> <a@x>"})
    assert clues(parse_email(raw)).message_ids == ("<a@x>", "<b@x>")


def test_freemail_domains_are_not_colleagues():
    assert clues(parse_email(make_mail(sender="someone@gmail.com"))).colleague_domain is None
    assert clues(parse_email(make_mail())).colleague_domain == "example-trust.test"


def test_reference_wins_over_everything():
    c = ThreadClues(("SMCWG-2026-0001",), ("<a@x>",), "a@x.test", "x.test")
    found = choose(c, **{**NOBODY, "by_reference": lambda r: 1, "by_message_ids": lambda i: 2})
    assert found == 1


def test_message_ids_then_sender_then_domain():
    c = ThreadClues((), ("<a@x>",), "a@x.test", "x.test")
    assert choose(c, **{**NOBODY, "by_message_ids": lambda i: 2, "open_for_sender": lambda s: [3]}) == 2
    assert choose(c, **{**NOBODY, "open_for_sender": lambda s: [3], "open_for_domain": lambda d: [4]}) == 3
    assert choose(c, **{**NOBODY, "open_for_domain": lambda d: [4]}) == 4


def test_ambiguous_sender_or_domain_opens_nothing():
    c = ThreadClues((), (), "a@x.test", "x.test")
    assert (
        choose(c, **{**NOBODY, "open_for_sender": lambda s: [3, 5], "open_for_domain": lambda d: [4, 6]})
        is None
    )


def test_the_sender_is_read_in_the_worker_and_the_parent_only_looks_up_plain_data():
    """Subjects, bodies, quoted header blocks and delivery reports are the sender's text: the
    worker (untrusted.read_message) reads them within its limits; pipeline.py looks up what it
    returns, and has none of the readers itself."""
    from datetime import UTC, datetime
    from pathlib import Path

    from intake_bot import pipeline
    from intake_bot.config import Limits
    from intake_bot.records import Person
    from intake_bot.roles import StaffAddresses
    from intake_bot.thread import named_only
    from intake_bot.untrusted import read_message

    staff = StaffAddresses.configured(["@cabforum.org"])
    now = datetime(2026, 11, 2, tzinfo=UTC)
    answer = make_mail("Thanks.\n", subject="Re: [SMCWG-2026-0007] our application")
    reading = read_message(answer, Limits(), frozenset(), None, now, staff)
    assert reading.clues.references == ("SMCWG-2026-0007",)
    assert reading.clues.sender == "alice@example-trust.test" and reading.forwarded is None
    assert named_only(reading.clues) == ThreadClues(("SMCWG-2026-0007",), (), "", None)
    forward = make_mail(
        "FYI\n\n---------- Forwarded message ---------\nFrom: Bob Roe <bob@bob-trust.test>\nDate: Mon\n"
        "Subject: SMCWG membership\nTo: dana@cabforum.org\n\nWe apply.\n",
        sender="Dana <dana@cabforum.org>",
    )
    assert read_message(forward, Limits(), frozenset(), None, now, staff).forwarded == Person(
        "Bob Roe", "bob@bob-trust.test"
    )
    source = Path(pipeline.__file__).read_text()
    # (a quarantined message's Message-ID is looked for in its first 64 KB by the parent: the worker
    # could not read it)
    for reader in ("thread.clues(", "forwarded_sender(", "header_block_senders(", ".findall("):
        assert reader not in source
