"""Small hand-made messages for tests: a builder of raw RFC 5322 bytes."""

from __future__ import annotations

import itertools
from email.message import EmailMessage
from email.policy import SMTP

_counter = itertools.count(1)

APPLICATION_BODY = """Hello,

We would like to apply for membership in the S/MIME Certificate Working Group.

Organization Name: Example Trust Ltd
Category: Certificate Consumer
Website: https://www.example-trust.test
Voting Representative: Alice Example, alice@example-trust.test
Other Representatives: Bob Example, bob@example-trust.test
Emergency Contact: security@example-trust.test, +44 20 7946 0000

Regards,
Alice
"""


def make_mail(
    body: str = APPLICATION_BODY,
    *,
    sender: str = "Alice Example <alice@example-trust.test>",
    to: str = "questions@cabforum.org",
    subject: str = "Membership application of Example Trust Ltd",
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
    html: str | None = None,
    date: str = "Mon, 02 Nov 2026 10:00:00 +0000",
) -> bytes:
    msg = EmailMessage(policy=SMTP)
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = date
    msg["Message-ID"] = message_id or f"<test-{next(_counter)}@example-trust.test>"
    for name, value in (headers or {}).items():
        msg[name] = value
    if html is not None and not body:
        msg.set_content(html, subtype="html")
    else:
        msg.set_content(body)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    for filename, ctype, payload in attachments:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(payload, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()
