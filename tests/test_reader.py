"""The reader (intake_bot.reader): what one message states, from small hand-made mails and the dev corpus."""

from __future__ import annotations

import json
import re
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from intake_bot.body import strip_quoted, strip_signature
from intake_bot.parse import parse_email
from intake_bot.reader import read
from intake_bot.reader.urls import normalise_url
from intake_bot.records import Category, Extraction
from test_evidence import ipr_pdf, make_cert, make_pdf

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus" / "applications"


def mail(
    body: str,
    *,
    html: bool = False,
    subject: str = "SMCWG application",
    sender: str = "Jane Doe <jane.doe@acme-pki.test>",
    reply: bool = False,
    attachments: list[tuple[str, str, bytes]] = (),
    charset: str = "utf-8",
) -> Extraction:
    msg = EmailMessage(policy=SMTP)
    msg["From"] = sender
    msg["To"] = "questions@cabforum.org"
    msg["Subject"] = ("Re: [SMCWG-2026-0001] " if reply else "") + subject
    msg["Message-ID"] = "<test@acme-pki.test>"
    if reply:
        msg["In-Reply-To"] = "<bot@cabforum.org>"
    msg.set_content(body, subtype="html" if html else "plain", charset=charset)
    for filename, ctype, payload in attachments:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(payload, maintype=maintype, subtype=subtype, filename=filename)
    return read(parse_email(msg.as_bytes()))


# ---------------------------------------------------------------- labels


LABELLED = """Hello,

Please accept our application.

Organisation name: Acme PKI GmbH
Membership category: Certificate Issuer
Homepage: WWW.Acme-PKI.test
Voting representative: Jane Doe, jane.doe@acme-pki.test
Other representatives: Max Müller <max.mueller@acme-pki.test>
24x7 incident contact: soc@acme-pki.test, +49 30 555 0100
WebTrust seal: https://www.cpacanada.ca/webtrustseal?sealid=42
Certificates: https://crt.sh/?id=1001 https://crt.sh/?d=1002

Best regards,
Jane Doe
Acme PKI GmbH | Tel +49 30 555 9999 | https://www.acme-signature.test
"""


def test_label_value_lines():
    x = mail(LABELLED)
    assert x.category is Category.CERTIFICATE_ISSUER
    assert x.organization_name == "Acme PKI GmbH"
    assert x.website_url == "https://www.acme-pki.test"
    assert [(r.name, r.email, r.voting) for r in x.representatives] == [
        ("Jane Doe", "jane.doe@acme-pki.test", True),
        ("Max Müller", "max.mueller@acme-pki.test", False),
    ]
    assert x.emergency_contact.email == "soc@acme-pki.test"
    assert x.emergency_contact.phone == "+49 30 555 0100"
    assert x.audit_report_url == "https://www.cpacanada.ca/webtrustseal?sealid=42"
    assert x.certificate_evidence == ("https://crt.sh/?id=1001", "https://crt.sh/?id=1002")
    assert x.working_group == "SMCWG"


def test_signature_is_never_data():
    x = mail(
        "Hi,\n\nWe apply as an Interested Party.\n\nThanks,\nJane Doe\nAcme\nWeb: www.acme.test\nPhone: +1 555 0100 200\n"
    )
    assert x.category is Category.INTERESTED_PARTY
    assert x.website_url is None
    assert x.emergency_contact is None


def test_signature_without_closing_line_starting_with_the_senders_name():
    body = (
        "Hi,\n\nRepresentative: Jane Doe (jane.doe@acme-pki.test)\n\nJane Doe\nCTO\nWeb: www.acme-pki.test\n"
    )
    x = mail(body)
    assert x.website_url is None
    assert [r.email for r in x.representatives] == ["jane.doe@acme-pki.test"]


def test_multi_line_values_with_bullets_and_sub_labels():
    body = """Hello,

Company:
    Acme PKI GmbH

Representatives:
  - Jane Doe, jane.doe@acme-pki.test (voting)
  - Max Mustermann, max@acme-pki.test

Emergency contact:
  Name: Security Operations Center
  Email: soc@acme-pki.test
  Phone: +49 (0)30 555 0000

Audit report:
  https://audits.example-cab.test/2025/AAL-Acme.pdf
"""
    x = mail(body)
    assert x.organization_name == "Acme PKI GmbH"
    assert [(r.email, r.voting) for r in x.representatives] == [
        ("jane.doe@acme-pki.test", True),
        ("max@acme-pki.test", False),
    ]
    assert x.emergency_contact.name == "Security Operations Center"
    assert x.emergency_contact.email == "soc@acme-pki.test"
    assert re.sub(r"\D", "", x.emergency_contact.phone) == "4903055500" + "00"
    assert x.audit_report_url == "https://audits.example-cab.test/2025/AAL-Acme.pdf"


def test_numbered_list_mirroring_the_web_page_without_labels():
    body = """Dear Forum,

1. Certificate Issuer
2. Acme PKI GmbH
3. acme-pki.test
4. attached
5. Jane Doe <jane.doe@acme-pki.test> (voting), Max Mustermann <max@acme-pki.test>
6. pki-emergency@acme-pki.test / +49 30 1234567
7. https://www.cpacanada.ca/webtrustseal?sealid=9 ; examples https://crt.sh/?id=5
"""
    x = mail(body)
    assert x.category is Category.CERTIFICATE_ISSUER
    assert x.organization_name == "Acme PKI GmbH"
    assert x.website_url == "https://acme-pki.test"
    assert {r.email: r.voting for r in x.representatives} == {
        "jane.doe@acme-pki.test": True,
        "max@acme-pki.test": False,
    }
    assert x.emergency_contact.email == "pki-emergency@acme-pki.test"
    assert x.audit_report_url == "https://www.cpacanada.ca/webtrustseal?sealid=9"
    assert x.certificate_evidence == ("https://crt.sh/?id=5",)


def test_outlook_html_table_rows():
    html = """<html><body><p class=MsoNormal>Dear CA/B Forum,</p>
<table><tr><td>Category</td><td>CA</td></tr>
<tr><td>Legal name</td><td>Nordlicht Trust Services GmbH</td></tr>
<tr><td>Web site</td><td><a href="https://www.nordlicht.test">www.nordlicht.test</a></td></tr>
<tr><td>Voting representative</td><td>Klaus Becker &lt;k.becker@nordlicht.test&gt;</td></tr>
<tr><td>Security contact</td><td>cert@nordlicht.test, +49 89 1234 5678</td></tr>
<tr><td>ETSI attestation</td><td>https://cab.example.test/aal/nordlicht-2025.pdf</td></tr>
</table><p>Mit freundlichen Grüßen</p><p>Klaus Becker</p><p>Tel +49 89 0000 1111</p></body></html>"""
    x = mail(html, html=True, sender="Klaus Becker <k.becker@nordlicht.test>")
    assert x.category is Category.CERTIFICATE_ISSUER
    assert x.organization_name == "Nordlicht Trust Services GmbH"
    assert x.website_url == "https://www.nordlicht.test"
    assert [(r.email, r.voting) for r in x.representatives] == [("k.becker@nordlicht.test", True)]
    assert x.emergency_contact.phone == "+49 89 1234 5678"
    assert x.audit_report_url == "https://cab.example.test/aal/nordlicht-2025.pdf"


def test_latin1_accented_values():
    body = "Bonjour,\n\nOrganisation: Bérénice Audit & Conseil SARL\nCatégorie: Associate Member\n"
    x = mail(body, charset="iso-8859-1")
    assert x.organization_name == "Bérénice Audit & Conseil SARL"
    assert x.category is Category.ASSOCIATE_MEMBER


# ---------------------------------------------------------------- prose


def test_prose_application():
    body = """Hi there,

We are applying as a certificate consumer. Snowmail AB makes the Snowmail desktop mail client.
Our web site can be found at https://snowmail.test/.

Our voting representative will be Lars Svensson (lars@snowmail.test), and Karin Berg
(karin@snowmail.test) will also participate.

For security incidents please contact soc@snowmail.test or call +46 8 555 123 45 (24x7).

Cheers,
Lars
"""
    x = mail(body, sender="Lars Svensson <lars@snowmail.test>")
    assert x.category is Category.CERTIFICATE_CONSUMER
    assert x.organization_name == "Snowmail AB"
    assert x.website_url == "https://snowmail.test/"
    assert [(r.name, r.voting) for r in x.representatives] == [("Lars Svensson", True), ("Karin Berg", False)]
    assert x.emergency_contact.email == "soc@snowmail.test"
    assert x.emergency_contact.phone == "+46 8 555 123 45"


@pytest.mark.parametrize(
    ("sentence", "organisation"),
    [
        ("On behalf of Zephyr Mail Inc., maker of the Zephyr client, I apply to join.", "Zephyr Mail Inc."),
        ("Kestrel Trust Ltd is a Certification Authority issuing S/MIME certificates.", "Kestrel Trust Ltd"),
        ("We (Kestrel Trust Ltd, https://kestrel.test) apply to join the SMCWG.", "Kestrel Trust Ltd"),
        ("We, Kestrel Trust Ltd, would like to join the SMCWG.", "Kestrel Trust Ltd"),
        ("We (the undersigned) would like to join the SMCWG.", None),
    ],
)
def test_organisation_in_prose(sentence, organisation):
    assert mail(f"Hello,\n\n{sentence}\n\nRegards\n").organization_name == organisation


def test_website_in_the_same_brackets_as_the_organisation():
    x = mail("Hi,\n\nwe (Kestrel Trust Ltd, https://kestrel.test) apply to join the SMCWG.\n\nThanks\n")
    assert x.website_url == "https://kestrel.test"


def test_the_vote_goes_to_whom_the_clause_is_about():
    body = """Hello,

I (Jane Roe, jane.roe@zephyr.test) will be the voting representative, with my colleague Ahmed Khan
(ahmed.khan@zephyr.test) as a second representative. Max Weber (CTO, max@zephyr.test) will also attend.

Best
"""
    reps = mail(body, sender="Jane Roe <jane.roe@zephyr.test>").representatives
    assert [(r.name, r.email, r.voting) for r in reps] == [
        ("Jane Roe", "jane.roe@zephyr.test", True),
        ("Ahmed Khan", "ahmed.khan@zephyr.test", False),
        ("Max Weber", "max@zephyr.test", False),
    ]


@pytest.mark.parametrize(
    "emergency",
    ["same as the voting representative above", "Same as above.", "see above (voting representative)"],
)
def test_emergency_contact_same_as_a_representative(emergency):
    body = f"""Organisation: Kestrel Trust Ltd
Other representative: John Smith, john@kestrel.test
Voting representative: Jane Roe, jane@kestrel.test, +44 20 7946 0001
Emergency contact: {emergency}
"""
    contact = mail(body).emergency_contact
    assert (contact.name, contact.email, contact.phone) == (
        "Jane Roe",
        "jane@kestrel.test",
        "+44 20 7946 0001",
    )


def test_an_emergency_contact_of_its_own_is_not_replaced_by_a_representative():
    body = """Voting representative: Jane Roe, jane@kestrel.test
Emergency contact: SOC, soc@kestrel.test (same as our abuse desk)
"""
    assert mail(body).emergency_contact.email == "soc@kestrel.test"


@pytest.mark.parametrize(
    ("sentence", "category"),
    [
        ("We would like to join as an Associate Member.", Category.ASSOCIATE_MEMBER),
        ("Please register us as a browser vendor.", Category.CERTIFICATE_CONSUMER),
        ("Acorn Certificate Authority Ltd would like to join.", None),
        ("Our certificates are treated as valid by a Certificate Consumer.", None),
        ("We are not sure whether to apply as Certificate Issuer or Interested Party.", None),
        (
            "Please change our category from Interested Party to Certificate Issuer.",
            Category.CERTIFICATE_ISSUER,
        ),
    ],
)
def test_category_in_prose(sentence, category):
    assert mail(f"Hello,\n\n{sentence}\n", subject="Hello").category == category


def test_undecided_category_label_states_nothing():
    assert (
        mail("1) Category: (not decided yet)\n2) Organization: Rowan Labs\n3) Website: rowan.test\n").category
        is None
    )


def test_later_statement_wins():
    body = "Category: Certificate Issuer\nWebsite: https://old.test\n\nCorrection: we apply as an Interested Party.\n"
    body += "Our website is https://new.test\n"
    x = mail(body)
    assert x.category is Category.INTERESTED_PARTY
    assert x.website_url == "https://new.test"


def test_website_is_not_inferred_from_the_email_domain():
    x = mail("Hello,\n\nWe apply as an Interested Party. Contact: jane.doe@acme-pki.test\n")
    assert x.website_url is None


def test_will_send_later_states_nothing():
    x = mail("7) Audit: (will send later)\n   Certificates: (will send later)\n")
    assert x.audit_report_url is None
    assert x.certificate_evidence == ()


# ---------------------------------------------------------------- replies


BOT_QUOTE = """
On Tue, 18 Mar 2025 at 12:46, CA/Browser Forum <questions@cabforum.org> wrote:
> Hello Jane,
>
> Still needed:
> - Website URL (e.g. Website: https://quoted.test)
> Category: Certificate Consumer
> Emergency contact: quoted@acme-pki.test
"""


def test_quoted_bot_text_is_never_data():
    x = mail("Hello,\n\nWe are applying as an Interested Party.\n\nJane\n" + BOT_QUOTE, reply=True)
    assert x.category is Category.INTERESTED_PARTY
    assert x.website_url is None
    assert x.emergency_contact is None


def test_outlook_reply_header_ends_the_new_text():
    body = """Our website is https://www.new-site.test.

From: CA/Browser Forum <questions@cabforum.org>
Sent: Tuesday, March 18, 2025 12:46 PM
To: Jane Doe <jane.doe@acme-pki.test>
Subject: Your application

Category: Certificate Issuer
Emergency contact: old@acme-pki.test
"""
    x = mail(body, reply=True)
    assert x.website_url == "https://www.new-site.test"
    assert x.category is None
    assert x.emergency_contact is None


def test_strip_quoted_keeps_bottom_posted_answers():
    text = "On Mon, Jane wrote:\n> Still needed: website\n\nWebsite: https://acme.test\n"
    assert "https://acme.test" in strip_quoted(text)
    assert "Still needed" not in strip_quoted(text)


def test_strip_signature_keeps_numbered_lists_and_labels():
    text = (
        "1) Category: Certificate Issuer\n- Jane Doe (jane@acme.test)\nWebsite: acme.test\n\nRegards,\nJane\n"
    )
    kept = strip_signature(text)
    assert "1) Category: Certificate Issuer" in kept
    assert "- Jane Doe (jane@acme.test)" in kept
    assert "Regards" not in kept


# ---------------------------------------------------------------- attachments and evidence


def test_signed_ipr_agreement_attachment():
    x = mail("Category: Interested Party\n", attachments=[("IPR signed.pdf", "application/pdf", ipr_pdf())])
    assert x.ipr_agreement is not None
    assert x.ipr_agreement.filename == "IPR signed.pdf"
    assert x.ipr_agreement.version == "1.3"


def test_blank_template_is_recorded_with_its_problem_and_brochure_ignored():
    brochure = make_pdf("Acme brochure", ["We sell certificates."])
    x = mail(
        "Attached is our signed IPR agreement.\n",
        attachments=[
            ("IPR.pdf", "application/pdf", ipr_pdf(signed=False)),
            ("b.pdf", "application/pdf", brochure),
        ],
    )
    assert x.ipr_agreement is not None and x.ipr_agreement.filename == "IPR.pdf"
    assert x.ipr_agreement.problems == ("is not signed (the signature line “By:” is empty)",)


def test_brochure_alone_is_not_the_ipr_agreement():
    brochure = make_pdf("Acme brochure", ["We sell certificates."])
    x = mail("Category: Certificate Issuer\n", attachments=[("b.pdf", "application/pdf", brochure)])
    assert x.ipr_agreement is None


def test_certificate_attachments_and_pasted_pem_each_count_once():
    cert = make_cert()
    pem = cert.public_bytes(serialization.Encoding.PEM)
    der = make_cert("bob@example.test").public_bytes(serialization.Encoding.DER)
    pasted = make_cert("carol@example.test").public_bytes(serialization.Encoding.PEM).decode()
    x = mail(
        f"Certificate examples attached, and one here:\n{pasted}\nSee also https://crt.sh/?id=9 and crt.sh/?id=9\n",
        attachments=[
            ("alice.pem", "application/x-pem-file", pem),
            ("bob.cer", "application/pkix-cert", der),
            ("logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20),
        ],
    )
    kinds = sorted(e.split(":")[0] for e in x.certificate_evidence)
    assert kinds == ["attachment", "attachment", "https", "pem"]
    assert any(e.startswith("attachment:alice.pem sha256:") for e in x.certificate_evidence)


def test_hostile_attachments_do_not_raise():
    x = mail(
        "Category: Certificate Issuer\n",
        attachments=[
            ("ipr.pdf", "application/pdf", b"%PDF-1.7\n" + b"\xff" * 200),
            ("cert.crt", "application/x-x509-ca-cert", b"\x30\x82\xff\xff" + b"\x01" * 50),
        ],
    )
    assert x.ipr_agreement is not None and x.ipr_agreement.kind == "unreadable"
    assert "damaged PDF" in x.ipr_agreement.problems[0]
    assert x.certificate_evidence == ()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("WWW.Example.COM/Path", "https://www.example.com/Path"),
        ("http://Example.com:80/", "http://example.com/"),
        ("https://example.com:8443", "https://example.com:8443"),
        ("https://example.com.", "https://example.com"),
        ("jane@example.com", None),
    ],
)
def test_normalise_url(raw, expected):
    assert normalise_url(raw) == expected


# ---------------------------------------------------------------- the dev corpus


def corpus_cases() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    # The d-* cases: their fields are read from each message alone. The d2-* cases need the whole
    # pipeline (an IPR judged by assessment, votes named across messages): run_eval.py scores them.
    return sorted(p for p in CORPUS.glob("d-*") if (p / "expected.json").is_file())


def fold(case: Path) -> dict:
    """Later messages over earlier ones; representatives and evidence accumulate."""
    state: dict = {"representatives": {}, "certificate_evidence": set()}
    for eml in sorted(case.glob("*.eml")):
        stated = read(parse_email(eml.read_bytes())).stated()
        for rep in stated.pop("representatives", ()):
            state["representatives"][rep.email] = rep
        state["certificate_evidence"] |= set(stated.pop("certificate_evidence", ()))
        state.update(stated)
    return state


def digits(text: str | None) -> str:
    return re.sub(r"\D", "", text or "")


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"dev corpus not found at {CORPUS} (../shared absent)")
@pytest.mark.parametrize("case", corpus_cases(), ids=lambda p: p.name)
def test_dev_corpus_fields(case):
    expect = json.loads((case / "expected.json").read_text())["expect"]
    if not expect["application"]:
        pytest.skip("negative case: classification, not extraction")
    got = fold(case)
    assert (got.get("category") or None) == expect["category"]
    names = {expect["organization_name"], *expect.get("organization_name_alternatives", [])}
    assert got.get("organization_name") in names
    assert (got.get("website_url") or "").rstrip("/") == expect["website_url"].rstrip("/")
    assert set(got["representatives"]) == {r["email"] for r in expect["representatives"]}
    voting = {e for e, r in got["representatives"].items() if r.voting}
    assert voting == ({expect["voting_email"]} if expect["voting_email"] else set())
    contact = got.get("emergency_contact")
    if expect["emergency_contact"] is None:
        assert contact is None
    else:
        assert contact.email == expect["emergency_contact"].get("email", contact.email)
        assert digits(expect["emergency_contact"].get("phone")) in digits(contact.phone)
    if expect["category"] == "certificate_issuer":
        assert got.get("audit_report_url") == expect["audit_report_url"]
        minimum = expect["certificate_evidence_count_min"]
        assert len(got["certificate_evidence"]) >= minimum if minimum else not got["certificate_evidence"]
    ipr = got.get("ipr_agreement")
    assert bool(ipr) == expect["ipr_agreement"]
    if ipr:
        assert ipr.sha256 == expect["ipr_agreement_sha256"]


def test_gmail_html_reply_quote_is_ignored():
    html = (
        '<div dir="ltr">Hi,<div>We would like to apply as a Certificate Consumer after all.</div>'
        '<div>Best,</div><div>Scott</div></div><div class="gmail_quote"><div class="gmail_attr">On Wed, 19 Mar '
        "2025 at 13:23, CA/Browser Forum &lt;questions@cabforum.org&gt; wrote:<br></div><blockquote>Hello Scott,"
        "<br>Website: https://quoted.example.org<br>Category: Interested Party</blockquote></div>"
    )
    x = mail(html, html=True, reply=True)
    assert x.category is Category.CERTIFICATE_CONSUMER
    assert x.website_url is None


def test_outlook_html_reply_header_block_is_ignored():
    html = (
        "<p>Our emergency contact is <a href='mailto:soc@x-corp.test'>soc@x-corp.test</a>, +1 202 555 0100.</p>"
        "<p><b>From:</b> CA/Browser Forum &lt;questions@cabforum.org&gt;<br><b>Sent:</b> Thursday, March 20, "
        "2025 9:00 AM<br><b>Subject:</b> application</p><p>Website: https://quoted.example.org<br>"
        "Category: Interested Party</p>"
    )
    x = mail(html, html=True, reply=True)
    assert x.emergency_contact.email == "soc@x-corp.test"
    assert x.website_url is None
    assert x.category is None


def test_subject_states_category_and_organisation_of_a_first_message():
    x = mail("Hello,\n\nplease see the attachment.\n", subject="Membership Application of Acme Trust Ltd")
    assert x.organization_name == "Acme Trust Ltd"
    subject = "Participation as an Interested Party in the S/MIME Certificate Working Group"
    assert mail("Hello,\n\nhere we are.\n", subject=subject).category is Category.INTERESTED_PARTY


def test_a_reply_subject_restates_nothing():
    x = mail("Hello,\n\nthe IPR agreement will follow.\n", subject="Associate Member application", reply=True)
    assert x.category is None


def test_voting_representative_named_apart_from_the_list():
    body = "Our representatives are Ana Souza (ana@ipe.test) and Rui Costa (rui@ipe.test); Ana Souza will be our voting representative.\n"
    assert {r.email: r.voting for r in mail(body).representatives} == {
        "ana@ipe.test": True,
        "rui@ipe.test": False,
    }


@pytest.mark.parametrize("title", ["Dr.", "Prof.", "Ing.", "Mgr.", "E."])
def test_a_title_or_an_initial_before_a_name_does_not_end_the_sentence(title):
    body = (
        f"Hello,\n\nOur voting representative will be {title} Eva Lind (eva.lind@acme-pki.test), our CTO.\n"
    )
    reps = mail(body).representatives
    assert [(r.email, r.voting) for r in reps] == [("eva.lind@acme-pki.test", True)]


def test_prose_sentence_with_a_colon_is_not_a_label():
    x = mail("Hello,\n\nThe voting representative is ana@ipe.test. Other representative: rui@ipe.test\n")
    assert {r.email: r.voting for r in x.representatives} == {"ana@ipe.test": True, "rui@ipe.test": False}
    assert mail("Hello,\n\nThe category is Interested Party.\n").category is Category.INTERESTED_PARTY


def test_long_labels_from_the_web_page():
    body = """Dear CA/Browser Forum,

1. Membership category (Certificate Issuer, Certificate Consumer, Interested Party, Associate Member): Certificate Issuer
2. Name of the organisation as it should appear: Harbour Light Trust Pte. Ltd.
3. URL of the main web site: harbourlight.test
5. Names and email addresses of the designated representatives (identify the voting representative):
   - Wei Ling Tan <weiling.tan@harbourlight.test>
   - Arjun Nair <arjun.nair@harbourlight.test> (voting)
6. Emergency contact information for security issues related to certificate trust:
   PKI Operations, pki-ops@harbourlight.test, +65 6555 0199
7. URL of the current audit report: https://www.cpacanada.ca/webtrustseal?sealid=4321
"""
    x = mail(body)
    assert x.category is Category.CERTIFICATE_ISSUER
    assert x.organization_name == "Harbour Light Trust Pte. Ltd."
    assert x.website_url == "https://harbourlight.test"
    assert {r.email: r.voting for r in x.representatives} == {
        "weiling.tan@harbourlight.test": False,
        "arjun.nair@harbourlight.test": True,
    }
    assert x.emergency_contact.email == "pki-ops@harbourlight.test"
    assert x.audit_report_url == "https://www.cpacanada.ca/webtrustseal?sealid=4321"


def test_a_label_that_is_itself_a_statement():
    x = mail(
        "Hello,\n\nWe would like to apply as an Interested Party with the following details:\nCompany: Acme\n"
    )
    assert x.category is Category.INTERESTED_PARTY
    assert x.organization_name == "Acme"


def test_a_colleague_in_the_security_team_is_not_the_emergency_contact():
    x = mail("Hello,\n\nJane Doe from our security team (jane@acme.test) will be our representative.\n")
    assert [r.email for r in x.representatives] == ["jane@acme.test"]
    assert x.emergency_contact is None


@pytest.mark.parametrize(
    "body",
    ["On " * 3000 + "wrote:", "on behalf of " + "Acme " * 3000 + "would like", "a." * 5000, "a@" * 3000],
)
def test_long_hostile_bodies_are_read(body):
    # Once quadratic; its speed is a benchmark's business, this only checks it finishes and reads nothing.
    assert mail(body) is not None


def test_job_title_names_the_employer_and_a_bracketed_url_its_site():
    found = mail(
        "I'm Priya Raman, CTO of Lotus Mailworks Pvt Ltd (https://lotusmailworks.example). We would like "
        "to join the SMCWG as a Certificate Consumer.\n"
    )
    assert found.organization_name == "Lotus Mailworks Pvt Ltd"
    assert found.website_url == "https://lotusmailworks.example"


def test_a_bracketed_url_elsewhere_is_not_the_web_site():
    found = mail("We would like to join the SMCWG (see https://cabforum.org/working-groups/smime/).\n")
    assert found.website_url is None


def test_numbered_answers_in_another_order_are_read_by_what_they_are():
    body = """Answers to your checklist:

1) Kestrel Digital Trust Ltd
2) Certificate Issuer
3) https://kestrel.test
4) Jane Roe <jane@kestrel.test> (voting), John Smith <john@kestrel.test>
5) security@kestrel.test, +44 20 7946 0000
6) https://www.cpacanada.ca/webtrustseal?sealid=99
7) https://crt.sh/?id=111, https://crt.sh/?id=222
"""
    x = mail(body)
    assert (x.organization_name, x.category, x.website_url) == (
        "Kestrel Digital Trust Ltd",
        Category.CERTIFICATE_ISSUER,
        "https://kestrel.test",
    )
    assert [(r.email, r.voting) for r in x.representatives] == [
        ("jane@kestrel.test", True),
        ("john@kestrel.test", False),
    ]
    assert (x.emergency_contact.email, x.emergency_contact.phone) == (
        "security@kestrel.test",
        "+44 20 7946 0000",
    )
    assert x.audit_report_url == "https://www.cpacanada.ca/webtrustseal?sealid=99"
    assert x.certificate_evidence == ("https://crt.sh/?id=111", "https://crt.sh/?id=222")


def test_table_rows_and_a_voting_mark_in_the_label():
    body = """| Organisation | Kestrel Digital Trust Ltd |
| Website | https://kestrel.test |
| Representative (voting) | Jane Roe, jane@kestrel.test |
"""
    x = mail(body)
    assert (x.organization_name, x.website_url) == ("Kestrel Digital Trust Ltd", "https://kestrel.test")
    assert [(r.name, r.voting) for r in x.representatives] == [("Jane Roe", True)]


def test_voting_representative_in_german_and_by_first_name():
    german = "Stimmberechtigter Vertreter: Hans Müller, hans@beispiel.test\nVertreterin: Eva Schmidt, eva@beispiel.test\n"
    assert [r.voting for r in mail(german).representatives] == [True, False]
    prose = """Hello,

Kestrel Ltd (https://kestrel.test) would like to join the SMCWG. Our representatives will be Jane Roe
(jane@kestrel.test) and John Smith (john@kestrel.test). John will be the voting representative.
"""
    x = mail(prose)
    assert (x.organization_name, x.website_url) == ("Kestrel Ltd", "https://kestrel.test")
    assert [(r.name, r.voting) for r in x.representatives] == [("Jane Roe", False), ("John Smith", True)]


def test_a_representative_given_by_address_alone_who_is_the_sender_takes_the_senders_name():
    body = "Hello,\n\nPlease add me as a second (non-voting) representative: john@kestrel.test.\n\nThanks\n"
    reps = mail(body, sender="John Smith <john@kestrel.test>").representatives
    assert [(r.name, r.email) for r in reps] == [("John Smith", "john@kestrel.test")]
    others = mail(
        "Representatives: ann@kestrel.test\n", sender="John Smith <john@kestrel.test>"
    ).representatives
    assert [(r.name, r.email) for r in others] == [(None, "ann@kestrel.test")]


def test_html_links_keep_their_targets_when_the_words_hide_them():
    html = """<html><body><p>Kestrel Trust Ltd would like to join the SMCWG as a Certificate Issuer.</p>
<p><b>Website:</b> <a href="https://kestrel.test/">kestrel.test</a></p>
<p><b>Audit:</b> <a href="https://www.cpacanada.ca/webtrustseal?sealid=5">our WebTrust seal</a></p>
<p><b>Example certificate:</b> <a href="https://crt.sh/?id=424242">on crt.sh</a>,
<a href="mailto:jane@kestrel.test">write to Jane</a></p></body></html>"""
    x = mail(html, html=True)
    assert x.website_url == "https://kestrel.test"  # the words are the address: no second copy of it
    assert x.audit_report_url == "https://www.cpacanada.ca/webtrustseal?sealid=5"
    assert x.certificate_evidence == ("https://crt.sh/?id=424242",)


def test_a_text_part_without_the_html_parts_link_targets_gets_them():
    plain = """Hej,

Fjordpost AS would like to join the SMCWG as a Certificate Consumer. More on our home page.

Representatives: I will be the voting representative; the second is Per Lund, our product lead.
Security incidents: please write to the duty desk, +47 22 55 50 00.

Regards,
Kari Nord
"""
    html = plain.replace("our home page", '<a href="https://www.fjordpost.example/">our home page</a>')
    html = html.replace("Per Lund", '<a href="mailto:per.lund@fjordpost.example">Per Lund</a>')
    html = html.replace("the duty desk", '<a href="mailto:vakt@fjordpost.example">the duty desk</a>')
    msg = EmailMessage(policy=SMTP)
    msg["From"] = "Kari Nord <kari.nord@fjordpost.example>"
    msg["Subject"] = "SMCWG application"
    msg.set_content(plain)
    msg.add_alternative(f"<html><body><pre>{html}</pre></body></html>", subtype="html")
    x = read(parse_email(msg.as_bytes()))
    assert x.website_url == "https://www.fjordpost.example/"
    assert [(r.name, r.email, r.voting) for r in x.representatives] == [
        ("Per Lund", "per.lund@fjordpost.example", False),
        ("Kari Nord", "kari.nord@fjordpost.example", True),
    ]
    assert x.emergency_contact.email == "vakt@fjordpost.example"


def test_answers_under_the_quoted_items_of_our_reply_take_their_labels():
    body = """Hi,

answers inline.

On Mon, 2 Nov 2026 at 10:00, CA/Browser Forum <questions@cabforum.org> wrote:
> To complete it we still need the following:
>
>   1. Example certificates: links to end-entity S/MIME certificates,
> for example on crt.sh.

https://crt.sh/?id=4242

>   2. Emergency contact: A contact for security issues about certificate trust.

soc@kestrel.test, +44 20 7946 0000

>   3. Web site: Hello there
>
> Organisation: Old Name Ltd

Hello again, nothing else to add.

Jane
"""
    x = mail(body, reply=True)
    assert x.certificate_evidence == ("https://crt.sh/?id=4242",)
    assert (x.emergency_contact.email, x.emergency_contact.phone) == ("soc@kestrel.test", "+44 20 7946 0000")
    assert x.website_url is None and x.organization_name is None  # quoted text lends labels, never data


def test_a_voter_named_without_an_address_is_stated_for_a_later_fold():
    from intake_bot.fields import fold, vote_by_name

    x = mail("Hi,\n\nPlease note John Smith is our voting representative.\n\nJane\n")
    assert x.voting_name == "John Smith" and x.representatives == ()
    reps = [
        {"name": "Jane Roe", "email": "j@k.test", "voting": True},
        {"name": "John Smith", "email": "s@k.test"},
    ]
    assert [r["voting"] for r in vote_by_name(reps, "John Smith")] == [False, True]
    assert vote_by_name(reps, "Nobody Here") == reps
    folded = fold([("representatives", reps), ("voting_name", "john")])
    assert [r["voting"] for r in folded["representatives"]] == [False, True]


def test_an_ipr_agreement_sent_as_a_word_file_is_missing_with_the_reason():
    from intake_bot.assess import assess
    from intake_bot.fields import fold, statements

    docx = (
        "IPR_signed.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
    )
    x = mail("Hello,\n\nOur signed IPR agreement is attached.\n", attachments=[docx])
    assert x.ipr_agreement.kind == "other"
    verdict = assess(fold(statements(x)), "SMCWG")
    assert "ipr_agreement" in verdict.missing
    assert verdict.problems["ipr_agreement"] == (
        "the first attachment is a word-processor file: the agreement is to be completed, signed and sent as a PDF",
    )
    with_pdf = mail("Hello,\n\nAttached.\n", attachments=[docx, ("IPR.pdf", "application/pdf", ipr_pdf())])
    assert with_pdf.ipr_agreement.filename == "IPR.pdf"


def test_an_application_forwarded_inline_is_read_but_a_quoted_reply_is_not():
    forwarded = """Hi,

please see the application from our CEO below.

Regards,
Office

---------- Forwarded message ---------
From: Jane Roe <jane@kestrel.test>
Date: Mon, 2 Nov 2026 at 09:00
Subject: SMCWG application
To: Office <office@kestrel.test>

Organisation: Kestrel Ltd
Representative: Jane Roe, jane@kestrel.test
"""
    x = mail(forwarded, sender="Office <office@kestrel.test>")
    assert x.organization_name == "Kestrel Ltd"
    assert [r.email for r in x.representatives] == ["jane@kestrel.test"]
    quoted = forwarded.replace("---------- Forwarded message ---------", "-----Original Message-----")
    assert mail(quoted, sender="Office <office@kestrel.test>").organization_name is None


def test_our_own_reply_forwarded_back_is_old_text():
    body = """Here is what we still need to send, see below.

---------- Forwarded message ---------
From: CA/Browser Forum <questions@cabforum.org>
Subject: Re: [SMCWG-2026-0007] Membership application

Organisation: Somebody Else Ltd
"""
    assert mail(body, reply=True).organization_name is None
