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
