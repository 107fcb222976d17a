"""Evidence that qualifies: IPR agreement (version, cut-over, signature, date, scans), certificates
(S/MIME, code signing, validity), the S/MIME signature of the application itself, audit report URLs,
Server Certificate WG test sites; and how export and replies show what was wrong."""

from __future__ import annotations

import datetime as dt
import email
from datetime import UTC, date, datetime
from email.policy import default

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID

import artefacts as a
from intake_bot import evidence
from intake_bot.assess import assess
from intake_bot.config import EvidenceRules, Settings
from intake_bot.export import export_data
from intake_bot.fields import empty, fold, statements
from intake_bot.parse import parse_email
from intake_bot.pipeline import Incoming, Pipeline
from intake_bot.reader import read
from intake_bot.records import ReplyKind
from intake_bot.replies import ReplyInput, render_reply
from intake_bot.store.db import open_database
from mails import make_mail
from test_evidence import IPR_TEXT, make_pdf

BEFORE = datetime(2026, 3, 10, tzinfo=UTC)
AFTER = datetime(2026, 7, 1, tzinfo=UTC)
ISSUER = """We would like to apply for membership in the S/MIME Certificate Working Group.

Organization Name: Analytical Engines Ltd
Category: Certificate Issuer
Website: https://www.analytical.test
Voting Representative: Ada Lovelace, ada@analytical.test
Emergency Contact: security@analytical.test, +44 20 7946 0000
Audit report: https://www.cpacanada.ca/webtrustseal?sealid=12345
"""


def fields_of(*mails: bytes, received_at: datetime | None = None) -> dict:
    return fold([st for raw in mails for st in statements(read(parse_email(raw), received_at=received_at))])


def application(*attachments, body: str = ISSUER, sent: str = "Tue, 10 Mar 2026 10:00:00 +0000") -> bytes:
    raw = make_mail(body, sender="Ada Lovelace <ada@analytical.test>", attachments=list(attachments))
    return raw.replace(b"Date: Mon, 02 Nov 2026 10:00:00 +0000", f"Date: {sent}".encode(), 1)


def pdf(name: str, payload: bytes):
    return (name, "application/pdf", payload)


def cert_file(name: str, cert) -> tuple[str, str, bytes]:
    return (name, "application/x-pem-file", a.pem(cert))


# ---------------------------------------------------------------- IPR agreement


def test_v13_agreement_is_enough_before_the_cutover_and_missing_after():
    f = fields_of(application(pdf("IPR.pdf", a.ipr_agreement("1.3"))))
    assert "ipr_agreement" not in assess(f, received_at=BEFORE).missing
    after = assess(f, received_at=AFTER)
    assert "ipr_agreement" in after.missing
    assert after.problems["ipr_agreement"] == (
        "your IPR agreement (the first attachment, a PDF) is version 1.3; since 1 June 2026 version 1.4 is required",
    )
    v14 = fields_of(application(pdf("IPR.pdf", a.ipr_agreement("1.4"))))
    assert "ipr_agreement" not in assess(v14, received_at=AFTER).missing


def test_the_cutover_and_versions_are_rules_configuration_can_change():
    f = fields_of(application(pdf("IPR.pdf", a.ipr_agreement("1.3"))))
    later = EvidenceRules(ipr_cutover=date(2027, 1, 1))
    assert "ipr_agreement" not in assess(f, rules=later, received_at=AFTER).missing
    strict = EvidenceRules(ipr_previous_versions=("1.4",))
    assert assess(f, rules=strict, received_at=BEFORE).problems["ipr_agreement"] == (
        "your IPR agreement (the first attachment, a PDF) is version 1.3; version 1.4 is required",
    )


def test_agreement_sent_after_the_cutover_needs_v14_without_a_received_date():
    """The message's own date decides when the pipeline gives no received date."""
    f = fields_of(application(pdf("IPR.pdf", a.ipr_agreement("1.3")), sent="Mon, 02 Nov 2026 10:00:00 +0000"))
    assert "is version 1.3" in assess(f).problems["ipr_agreement"][0]


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (
            a.ipr_agreement(by="________", name="________"),
            "is not signed (the signature line “By:” is empty)",
        ),
        (a.ipr_agreement(date="__________"), "is not dated (the “Date:” line is empty)"),
    ],
)
def test_unsigned_or_undated_agreement_is_missing_with_the_reason(payload, problem):
    f = fields_of(application(pdf("IPR.pdf", payload)))
    result = assess(f, received_at=BEFORE)
    assert result.problems["ipr_agreement"] == (
        f"your IPR agreement (the first attachment, a PDF) {problem}",
    )


def test_digital_signature_field_counts_as_signed_and_dated():
    signed = a.pdf_with_sig_field(a.ipr_agreement(by="", name="", date=""))
    check = evidence.check_ipr(signed)
    assert (check.signature, check.dated, check.problems) == ("digital", True, ())


def test_pades_signature_made_with_pyhanko_is_seen():
    pytest.importorskip("pyhanko")
    signed = a.pyhanko_signed(a.ipr_agreement(by="", name="", date=""))
    check = evidence.check_ipr(signed)
    assert (check.signature, check.dated, check.version) == ("digital", True, "1.4")


def test_other_forum_forms_are_named_in_the_reason():
    invited = make_pdf("CA/Browser Forum Invited Experts Agreement", [IPR_TEXT], a.ipr_block())
    f = fields_of(application(pdf("IPR agreement.pdf", invited)))
    assert assess(f, received_at=BEFORE).problems["ipr_agreement"] == (
        "the first attachment, a PDF, is the Invited Experts Agreement, not the IPR Policy Agreement",
    )


def test_a_good_agreement_is_not_undone_by_a_later_blank_one():
    good = application(pdf("IPR.pdf", a.ipr_agreement("1.4")))
    blank = application(pdf("IPR-template.pdf", a.ipr_agreement(by="____", name="____", date="____")))
    f = fields_of(good, blank)
    assert f["ipr_agreement"]["filename"] == "IPR.pdf"
    assert "ipr_agreement" not in assess(f).missing


@pytest.mark.parametrize(
    ("attachment", "note"),
    [
        (pdf("IPR_signed_scan.pdf", a.image_only_pdf()), "image-only PDF"),
        (("IPR agreement.png", "image/png", a.png()), "PNG image"),
    ],
)
def test_scans_and_photos_are_present_but_need_a_person(attachment, note):
    f = fields_of(application(attachment))
    result = assess(f, received_at=AFTER)
    assert "ipr_agreement" not in result.missing
    assert any(note in flag and "a person must check" in flag for flag in result.review)


def test_encrypted_and_corrupt_pdfs_give_a_clear_reason():
    locked = make_pdf("CAB Forum Agreement for IPR Policy v.1.4", [IPR_TEXT], a.ipr_block(), password="pw")
    f = fields_of(application(pdf("IPR.pdf", locked)))
    (problem,) = assess(f).problems["ipr_agreement"]
    assert "encrypted (password-protected)" in problem and "without a password" in problem
    f = fields_of(application(pdf("IPR.pdf", a.ipr_agreement()[:300])))
    assert "damaged PDF" in assess(f).problems["ipr_agreement"][0]


def test_another_organisation_on_the_agreement_is_flagged_not_missing():
    f = fields_of(application(pdf("IPR.pdf", a.ipr_agreement(org="Difference Engines Holdings plc"))))
    result = assess(f, received_at=BEFORE)
    assert "ipr_agreement" not in result.missing
    assert any(
        "Difference Engines Holdings plc" in flag and "parent company" in flag for flag in result.review
    )
    same = fields_of(application(pdf("IPR.pdf", a.ipr_agreement(org="Analytical Engines Limited"))))
    assert assess(same, received_at=BEFORE).review == ()


# ---------------------------------------------------------------- certificates


def issuer_fields(*attachments, body: str = ISSUER, **kw) -> dict:
    return fields_of(application(pdf("IPR.pdf", a.ipr_agreement()), *attachments, body=body), **kw)


def test_valid_smime_certificate_qualifies_and_is_recorded():
    _, cert = a.issue()
    f = issuer_fields(cert_file("alice.pem", cert), received_at=BEFORE)
    assert assess(f, received_at=BEFORE).missing == ()
    (finding,) = f["certificate_findings"]
    (info,) = finding["certificates"]
    assert info["serial"] == format(cert.serial_number, "X")
    assert info["sha256"] == cert.fingerprint(cert.signature_hash_algorithm).hex().upper()
    assert "Analytical Engines S/MIME CA" in info["issuer"] and info["subject"] == "CN=alice@example.test"


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        (
            {"ekus": (ExtendedKeyUsageOID.SERVER_AUTH,), "policy": a.TLS_POLICY, "san": "dns"},
            "is a TLS certificate (serverAuth), not an S/MIME certificate (emailProtection)",
        ),
        (
            {"not_after": dt.datetime(2026, 2, 1)},
            "had expired on 2026-02-01, before it was sent (2026-03-10)",
        ),
        ({"policy": "1.3.6.1.4.1.99999.1"}, "has no Baseline Requirements policy OID 2.23.140.1.5.x"),
        ({"san": "dns"}, "has no e-mail address (rfc822Name) among its subject alternative names"),
    ],
)
def test_unfit_certificates_leave_the_item_missing_and_say_why(options, problem):
    _, cert = a.issue(**options)
    f = issuer_fields(cert_file("example.pem", cert), received_at=BEFORE)
    result = assess(f, received_at=BEFORE)
    assert result.missing == ("certificate_evidence",)
    (why,) = result.problems["certificate_evidence"]
    assert why.startswith("the certificate in the second attachment, a certificate file, ")
    assert "example" not in why  # neither the file name nor a name from the certificate
    assert problem in why


def test_smtputf8_mailbox_counts_as_an_email_address():
    _, cert = a.issue("jürgen@example.test", san="smtputf8")
    f = issuer_fields(cert_file("j.pem", cert), received_at=BEFORE)
    assert list(f["certificate_findings"][0]["certificates"][0]["email_sans"]) == ["jürgen@example.test"]
    assert assess(f, received_at=BEFORE).complete


def test_pkcs7_chain_is_judged_by_its_end_entity_certificate():
    _, leaf = a.issue()
    p7b = pkcs7.serialize_certificates([a.ca_certificate(), leaf], serialization.Encoding.DER)
    f = issuer_fields(("chain.p7b", "application/pkcs7-mime", p7b), received_at=BEFORE)
    (info,) = f["certificate_findings"][0]["certificates"]
    assert info["subject"] == "CN=alice@example.test"
    assert assess(f, received_at=BEFORE).complete


def test_code_signing_wg_wants_code_signing_certificates():
    _, smime = a.issue()
    _, code = a.issue("dev@example.test", ekus=(ExtendedKeyUsageOID.CODE_SIGNING,), policy=a.CS_POLICY)
    f = issuer_fields(cert_file("smime.pem", smime), received_at=BEFORE)
    result = assess(f, "CSCWG", received_at=BEFORE)
    assert (
        "has the extended key usage emailProtection, not codeSigning"
        in result.problems["certificate_evidence"][0]
    )
    f = issuer_fields(cert_file("code.pem", code), received_at=BEFORE)
    assert assess(f, "CSCWG", received_at=BEFORE).complete


def test_crtsh_links_and_serial_plus_fingerprint_count_unchecked():
    fp = "AB" * 32
    body = ISSUER + f"Certificates: https://crt.sh/?d=42\nSerial: 01:02:03:04:05, SHA-256: {fp}\n"
    f = issuer_fields(body=body)
    assert f["certificate_evidence"] == ["https://crt.sh/?id=42", f"https://crt.sh/?sha256={fp}"]
    assert f["certificate_findings"][1]["serial"] == "102030405"
    assert assess(f).complete


def test_smime_signed_application_is_its_own_evidence():
    raw = a.smime_signed_email(ISSUER + "Our IPR agreement follows.\n", sender="ada@analytical.test")
    x = read(parse_email(raw))
    (finding,) = x.certificate_findings
    assert finding.source == "signature" and finding.reference.startswith("signature:smime.p7s sha256:")
    assert finding.certificates[0].subject == "CN=ada@analytical.test"  # the signer, not the CA
    f = fold(statements(x))
    assert "certificate_evidence" not in assess(f).missing


def test_signed_with_a_tls_certificate_says_so():
    raw = a.smime_signed_email(
        ISSUER, sender="ada@analytical.test", ekus=(ExtendedKeyUsageOID.SERVER_AUTH,), policy=a.TLS_POLICY
    )
    f = fold(statements(read(parse_email(raw))))
    (why,) = assess(f).problems["certificate_evidence"]
    assert why.startswith("the certificate that signed your e-mail is a TLS certificate")
    assert "ada@" not in why


# ---------------------------------------------------------------- audit reports and test sites


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://www.cpacanada.ca/webtrustseal?sealid=12345", "webtrust_seal"),
        ("https://cert.webtrust.org/SealFile?seal=2398&file=pdf", "webtrust_legacy"),
        (
            "https://www.tuvit.de/fileadmin/Content/TUV_IT/zertifikate/en/AA2025-example.pdf",
            "etsi_attestation",
        ),
        ("https://ca.example.test/docs/ETSI_Audit_Attestation_Letter_2025.pdf", "etsi_attestation"),
        ("https://bugzilla.mozilla.org/attachment.cgi?id=9400000", "bugzilla"),
        ("https://ca.example.test/legal", "other"),
    ],
)
def test_audit_report_urls_are_classified_offline(url, kind):
    assert evidence.classify_audit_url(url).kind == kind


def test_dead_webtrust_link_is_flagged_not_missing():
    body = ISSUER.replace(
        "https://www.cpacanada.ca/webtrustseal?sealid=12345",
        "https://cert.webtrust.org/SealFile?seal=1&file=pdf",
    )
    result = assess(issuer_fields(body=body + "Certificates: https://crt.sh/?id=1\n"))
    assert result.complete
    assert any("offline since 2018" in flag for flag in result.review)


def test_server_certificate_wg_issuers_give_three_test_sites():
    body = ISSUER.replace("S/MIME Certificate", "Server Certificate") + (
        "Test websites:\nValid: https://valid.analytical.test\nRevoked: https://revoked.analytical.test\n"
    )
    f = issuer_fields(body=body)
    assert f["website_url"] == "https://www.analytical.test"
    result = assess(f, "SCWG")
    assert result.missing == ("test_websites",)
    assert result.problems["test_websites"] == (
        "the test web site with an expired certificate is still missing",
    )
    f = issuer_fields(body=body + "Expired: https://expired.analytical.test\n")
    assert assess(f, "SCWG").complete
    assert read(parse_email(application(body=body))).working_group == "SCWG"


def test_new_item_codes_do_not_change_the_smime_profile():
    assert assess(empty()).missing == (
        "category", "organization_name", "website_url", "ipr_agreement", "representatives", "emergency_contact",
    )  # fmt: skip


# ---------------------------------------------------------------- export and reply


@pytest.fixture
def pipeline(tmp_path, database_url):
    settings = Settings(database_url=database_url, storage_path=tmp_path / "store")
    return Pipeline(settings, open_database(settings.database_url), clock=lambda: AFTER)


def test_export_lists_only_qualifying_evidence_and_the_findings(pipeline):
    _, expired = a.issue(not_after=dt.datetime(2026, 2, 1))
    raw = application(
        pdf("IPR.pdf", a.ipr_agreement("1.3")),
        cert_file("old.pem", expired),
        body=ISSUER + "Certificates: https://crt.sh/?id=7\n",
        sent="Wed, 01 Jul 2026 10:00:00 +0000",
    )
    pipeline.process(Incoming(raw=raw))
    with pipeline.db.transaction() as s:
        (app,) = export_data(s)["applications"]
    assert app["missing"] == ["ipr_agreement"]
    assert app["ipr_agreement"] is None
    assert app["ipr_agreement_check"]["version"] == "1.3"
    assert "version 1.4 is required" in app["ipr_agreement_check"]["problems"][0]
    assert app["certificate_evidence"] == ["https://crt.sh/?id=7"]
    assert [c["qualifies"] for c in app["certificate_findings"]] == [True, False]
    assert app["audit_report"]["kind"] == "webtrust_seal"


def reply_text(items, problems, wg="SMCWG") -> str:
    rendered = render_reply(
        ReplyInput(
            kind=ReplyKind.MISSING_ITEMS,
            reference=f"{wg}-2026-0007",
            working_group=wg,
            to_address="ada@analytical.test",
            to_name="Ada Lovelace",
            from_address="questions@cabforum.org",
            in_reply_to="<m1@analytical.test>",
            references=(),
            items=items,
            organization_name="Analytical Engines Ltd",
            category="certificate_issuer",
            seed="x",
            now=AFTER,
            problems=problems,
        )
    )
    msg = email.message_from_bytes(rendered.raw, policy=default)
    assert "What was wrong" in msg.get_body(("html",)).get_content()
    return msg.get_body(("plain",)).get_content()


def test_reply_names_the_exact_problem():
    _, tls = a.issue(ekus=(ExtendedKeyUsageOID.SERVER_AUTH,), policy=a.TLS_POLICY, san="dns")
    raw = application(
        pdf("IPR.pdf", a.ipr_agreement("1.3")),
        cert_file("example.pem", tls),
        sent="Wed, 01 Jul 2026 10:00:00 +0000",
    )
    result = assess(fields_of(raw), received_at=AFTER)
    text = reply_text(result.missing, result.problems)
    assert (
        "What was wrong: your IPR agreement (the first attachment, a PDF) is version 1.3; since 1 June 2026 version 1.4 is required."
        in text
    )
    assert "is a TLS certificate (serverAuth), not an S/MIME certificate (emailProtection)" in text
