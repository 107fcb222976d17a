import pytest

from intake_bot.classify import application_verdict, classify
from intake_bot.parse import parse_email
from intake_bot.records import QUESTION_ABOUT_JOINING, Category, Disposition, Extraction, Representative
from mails import make_mail


def verdict(raw: bytes, own: frozenset[str] = frozenset()):
    return classify(parse_email(raw), own)


def test_a_person_writing_may_be_answered():
    v = verdict(make_mail())
    assert v.disposition == Disposition.APPLICATION
    assert not v.automated


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Auto-Submitted": "auto-replied"}, Disposition.AUTO_REPLY),
        ({"Auto-Submitted": "auto-generated; foo"}, Disposition.AUTO_REPLY),
        ({"X-Auto-Response-Suppress": "All"}, Disposition.AUTO_REPLY),
        ({"Precedence": "bulk"}, Disposition.MAILING_LIST),
        ({"Precedence": "list"}, Disposition.MAILING_LIST),
        ({"Precedence": "junk"}, Disposition.SPAM),
        ({"List-Id": "<smcwg-public.cabforum.org>"}, Disposition.MAILING_LIST),
        ({"List-Unsubscribe": "<mailto:leave@example.org>"}, Disposition.MAILING_LIST),
        ({"Return-Path": "<>"}, Disposition.AUTO_REPLY),
        ({"X-Failed-Recipients": "someone@example.org"}, Disposition.BOUNCE),
        ({"X-Spam-Flag": "YES"}, Disposition.SPAM),
    ],
)
def test_automatic_mail_is_never_answered(headers, expected):
    v = verdict(make_mail(headers=headers))
    assert v.disposition == expected
    assert v.automated


def test_auto_submitted_no_is_a_person():
    assert not verdict(make_mail(headers={"Auto-Submitted": "no"})).automated


@pytest.mark.parametrize(
    "sender",
    [
        "MAILER-DAEMON@mx.example.org",
        "postmaster@example.org",
        "no-reply@example.org",
        "noreply+x@example.org",
        "do-not-reply@example.org",
    ],
)
def test_system_senders_are_automatic(sender):
    assert verdict(make_mail(sender=sender)).automated


def test_our_own_address_is_never_answered():
    v = verdict(make_mail(sender="questions@cabforum.org"), frozenset({"questions@cabforum.org"}))
    assert v.automated


def test_out_of_office_subject():
    v = verdict(make_mail(subject="Out of Office: SMCWG call", body="I am away until Monday."))
    assert v.disposition == Disposition.AUTO_REPLY


def test_delivery_report_is_a_bounce():
    raw = (
        b"From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\nTo: questions@cabforum.org\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <b1@mx>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n--b--\r\n"
    )
    assert verdict(raw).disposition == Disposition.BOUNCE


def is_application(parsed, extraction) -> bool:
    return application_verdict(parsed, extraction).disposition is Disposition.APPLICATION


def test_a_question_is_not_an_application():
    p = parse_email(make_mail("Where can I find the latest S/MIME BRs?", subject="BR question"))
    assert not is_application(p, Extraction())


def test_intent_and_category_alone_is_an_application():
    p = parse_email(make_mail("We want to join the SMCWG as a certificate consumer.", subject="Joining"))
    assert is_application(p, Extraction(category=Category.CERTIFICATE_CONSUMER))


def test_data_without_intent_is_not_an_application():
    p = parse_email(make_mail("Our website is https://example.org, call +1 555 0100.", subject="hello"))
    assert not is_application(p, Extraction(website_url="https://example.org", organization_name="Example"))


@pytest.mark.parametrize(
    ("subject", "body", "application"),
    [
        (
            "Question about membership",
            "I would like to ask what the requirements are to join as a consumer.",
            False,
        ),
        ("SMCWG", "How do we join the SMCWG as an Interested Party? Our site is https://k.test.", False),
        ("SMCWG", "We would like to join as an Interested Party; how do we send the IPR agreement?", True),
        (
            "Application - Kestrel Ltd",
            "We are applying as an Interested Party. Website: https://k.test",
            True,
        ),
    ],
)
def test_asking_how_to_join_is_a_question_until_someone_applies(subject, body, application):
    p = parse_email(make_mail(f"Hello,\n\n{body}\n\nThanks\n", subject=subject))
    stated = Extraction(category=Category.INTERESTED_PARTY, website_url="https://k.test")
    assert is_application(p, stated) is application


def test_a_question_with_a_representative_named_is_an_application():
    p = parse_email(
        make_mail("Hello,\n\nHow do we join as an Interested Party? Rep: jane@k.test\n", subject="SMCWG")
    )
    reps = (Representative(name=None, email="jane@k.test", voting=False),)
    assert is_application(p, Extraction(category=Category.INTERESTED_PARTY, representatives=reps))


# ---------------------------------------------------------------- who is applying? (application_verdict)

FULL = (
    "Category: Certificate Issuer\nOrganisation: Kestrel Trust Ltd\nWebsite: https://kestrel.test\n"
    "Emergency contact: soc@kestrel.test, +44 20 5555 0100 (24/7)\n"
)
STATED = Extraction(
    category=Category.CERTIFICATE_ISSUER, organization_name="Kestrel Trust Ltd", website_url="https://k.test"
)


def judged(body: str, subject: str = "SMCWG", attachments=(), stated: Extraction = STATED):
    p = parse_email(make_mail(f"Hello,\n\n{body}\n\nRegards\n", subject=subject, attachments=attachments))
    return application_verdict(p, stated)


@pytest.mark.parametrize(
    "body",
    [
        "Our consultancy helps Certificate Issuers join the S/MIME Certificate Working Group.\n" + FULL,
        "I'm a recruiter placing Heads of PKI at Certificate Issuers who want to join the SMCWG.\n" + FULL,
        "Please accept my application for the PKI Analyst position advertised; my CV is attached.\n" + FULL,
        "Join our webinar on the membership categories of the CA/Browser Forum.\n" + FULL,
        "Congratulations to our clients who joined the SMCWG as Certificate Issuers.\n" + FULL,
        "Review the membership application documents. Sign in with your mailbox credentials.\n" + FULL,
        "Your membership file is on hold. To open the countersigned agreement, type in your e-mail "
        "password on our portal.\n" + FULL,
        "Ihr Antrag auf Mitgliedschaft ist unvollständig. Bitte bestätigen Sie Ihr Passwort, um die Unterlagen "
        "zu öffnen.\n" + FULL,
        "Nos complace invitarles a nuestras Jornadas PKI en Madrid sobre la solicitud de membresía de "
        "emisores de certificados.\n" + FULL,
        "Wir laden Sie herzlich ein zu unserem Fachforum über die Mitgliedschaft von Zertifikatsausstellern.\n"
        + FULL,
    ],
)
def test_mail_about_joining_from_someone_not_applying_is_no_application(body):
    assert judged(body).disposition == Disposition.NOT_APPLICATION


CALENDAR = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:x1@events.test\r\n"
    b"DTSTART:20270401T090000Z\r\nSUMMARY:Membership in the SMCWG\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.mark.parametrize(
    ("filename", "ctype"), [("meeting.ics", "text/calendar"), ("invite.ics", "application/octet-stream")]
)
def test_a_calendar_invitation_is_no_application(filename, ctype):
    body = "Certificate Issuers and Consumers: the membership session of our summit.\n" + FULL
    v = judged(body, attachments=[(filename, ctype, CALENDAR)])
    assert v.disposition == Disposition.NOT_APPLICATION and "event" in v.reason


def test_a_document_disguised_as_a_pdf_is_no_application():
    page = ("IPR_Agreement_signed.pdf.htm", "text/html", b"<form action='https://x.test'>")
    v = judged("Please find our membership application attached.\n" + FULL, attachments=[page])
    assert v.disposition != Disposition.APPLICATION and "disguised" in v.reason


def test_mixed_signals_go_to_a_person():
    v = judged("Our team helps Certificate Issuers join the SMCWG; we would like to join ourselves.\n" + FULL)
    assert v.disposition == Disposition.POSSIBLE_APPLICATION and "mixed signals" in v.reason


def test_application_data_without_words_of_joining_we_know_goes_to_a_person():
    v = judged(
        "Aðildarflokkur: Certificate Issuer, S/MIME Certificate Working Group", subject="SMCWG"
    )  # Icelandic
    assert v.disposition == Disposition.POSSIBLE_APPLICATION
    english = judged("The SMCWG welcomed Kestrel Trust Ltd and our other clients, who are issuers.")
    assert english.disposition == Disposition.NOT_APPLICATION  # a language we read, without intent


@pytest.mark.parametrize(
    "body",
    [
        "We are planning to apply to the SMCWG next quarter as a Certificate Issuer. Before we put the "
        "application together, could you help with two questions?",
        "Would the SMCWG accept our application before the S/MIME audit report is available?",
    ],
)
def test_an_application_still_to_come_is_a_question(body):
    v = judged(body, stated=Extraction(category=Category.CERTIFICATE_ISSUER))
    assert v.disposition == Disposition.NOT_APPLICATION and v.reason == QUESTION_ABOUT_JOINING


def test_customers_of_a_ca_are_no_pitch():
    v = judged("We would like to join the SMCWG. A certificate issued to one of our customers:\n" + FULL)
    assert v.disposition == Disposition.APPLICATION


@pytest.mark.parametrize(
    "body",
    [
        # an offer of help to others, and a call to book or a wish to be recommended: a pitch, in any language
        "Ayudamos a emisores de certificados con su solicitud de membresía en el grupo S/MIME. Reserve una llamada de 15 minutos: "
        "https://cal.asesores.test\nLínea de emergencia 24/7: +34 91 555 0100",
        "Pomagamy centrom certyfikacji przystąpić do SMCWG. Umów się na bezpłatną konsultację.",
        "Wir begleiten Zertifizierungsstellen beim Beitritt zur SMCWG und würden uns freuen, wenn Sie uns "
        "weiterempfehlen. 24/7-Hotline: +49 89 5555 0100",
        "貴社のSMCWG加盟をご支援します。無料相談はこちらから。",
        # the company as the subject: 'X helps ...', 'X помогает ...'
        "Компания «Ключ Аудит» помогает удостоверяющим центрам вступить в SMCWG. Запишитесь на бесплатную "
        "консультацию. Горячая линия 24/7: +7 495 555 0100",
        "Acme Advisory helps mail software makers apply to the SMCWG; book a call with our team.",
    ],
)
def test_a_pitch_in_any_language_is_no_application(body):
    assert judged(body + "\n" + FULL).disposition is not Disposition.APPLICATION


@pytest.mark.parametrize(
    "body",
    [
        # one signal alone is what an applicant says of itself: a consultancy joining as an Interested Party
        "Wir beraten Unternehmen bei PKI-Audits und möchten der SMCWG als Interested Party beitreten.",
        "We help hospitals sign their mail and would like to join the SMCWG as a Certificate Issuer.",
        # a 24/7 hotline is the applicant's emergency contact
        "Nous souhaitons adhérer au SMCWG. Notre hotline 24/7 pour les urgences : +33 1 55 55 01 00.",
    ],
)
def test_an_application_with_one_sign_of_a_service_is_still_one(body):
    assert judged(body + "\n" + FULL).disposition is Disposition.APPLICATION
