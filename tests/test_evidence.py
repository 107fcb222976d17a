"""evidence.py: IPR-agreement PDFs, certificate files and pasted PEM, crt.sh links."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from fpdf import FPDF

from intake_bot import evidence

IPR_TEXT = (
    'This CAB Forum IPR Policy Agreement (the "Agreement") constitutes a binding contract among the '
    "participants that make Contributions while a Draft Guideline or a Final Guideline of the CA/Browser "
    "Forum is being developed. In consideration of the mutual promises herein, Participant agrees on "
    "his/her/its behalf, and on behalf of any Affiliates, to abide by the terms of the IPR Policy."
)


def make_pdf(title: str, paragraphs: list[str], lines: list[str] = (), password: str | None = None) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
    for text in paragraphs:
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    for line in lines:
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    if password is not None:
        pdf.set_encryption(owner_password="owner", user_password=password)
    return bytes(pdf.output())


def ipr_pdf(signed: bool = True, version: str = "1.3") -> bytes:
    if signed:
        block = ["PARTICIPANT", "By: /s/ Ada Lovelace", "(Signature)", "Print Name: Ada Lovelace",
                 "Title: Director", "Analytical Engines Ltd", "Participant Organization Name (if entity)",
                 "Date: 3 March 2025"]  # fmt: skip
    else:
        block = ["PARTICIPANT", "By: ______________________", "(Signature)", "Print Name: ______________",
                 "Title: ______________", "______________________", "Participant Organization Name (if entity)",
                 "Date: ______________"]  # fmt: skip
    return make_pdf(f"CAB Forum Agreement for IPR Policy v.{version}", [IPR_TEXT], block)


def make_cert(email: str = "alice@example.test") -> x509.Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, email)])
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime.datetime(2025, 1, 1))
        .not_valid_after(datetime.datetime(2026, 1, 1))
        .add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .sign(key, hashes.SHA256())
    )


# ---------------------------------------------------------------- IPR agreement


def test_signed_ipr_agreement_is_accepted_with_its_version():
    verdict = evidence.check_ipr(ipr_pdf(signed=True, version="1.4"))
    assert verdict.acceptable
    assert verdict.version == "1.4"


def test_blank_ipr_template_is_rejected():
    verdict = evidence.check_ipr(ipr_pdf(signed=False))
    assert not verdict.acceptable
    assert "not signed" in "; ".join(verdict.problems)


def test_values_on_the_line_below_their_labels_count_as_filled():
    block = ["PARTICIPANT", "By:", "Ada Lovelace", "Print Name:", "Ada Lovelace", "Date:", "2025-03-03"]
    pdf = make_pdf("CAB Forum Agreement for IPR Policy v.1.3", [IPR_TEXT], block)
    assert evidence.check_ipr(pdf).acceptable


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("Analytical Engines - secure e-mail for everyone", "We sell S/MIME certificates. Contact sales."),
        (
            "Audit Attestation Letter",
            "The conformity assessment body audited the CA against ETSI EN 319 411-1.",
        ),
        ("CA/Browser Forum Invited Experts Agreement", IPR_TEXT),
        ("CA/B FORUM PATENT EXCLUSION NOTICE", IPR_TEXT),
    ],
)
def test_other_documents_are_not_the_ipr_agreement(title, body):
    lines = ["By: /s/ Ada Lovelace", "Print Name: Ada Lovelace", "Date: 3 March 2025"]
    assert not evidence.check_ipr(make_pdf(title, [body], lines)).acceptable


def test_encrypted_pdf_gives_a_reason_not_an_exception():
    verdict = evidence.check_ipr(
        make_pdf("CAB Forum Agreement for IPR Policy v.1.3", [IPR_TEXT], password="x")
    )
    assert not verdict.acceptable
    assert "encrypted" in "; ".join(verdict.problems)


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"%PDF-1.7\n garbage \x00\xff",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n%%EOF",
        b"not a pdf at all",
    ],  # fmt: skip
)
def test_broken_pdfs_are_not_evidence(payload):
    verdict = evidence.check_ipr(payload)
    assert not verdict.acceptable
    assert verdict.problems or verdict.kind == "other"  # a reason, or not the agreement at all


def test_truncated_signed_agreement_does_not_raise():
    payload = ipr_pdf(signed=True)
    assert not evidence.check_ipr(payload[: len(payload) // 3]).acceptable


# ---------------------------------------------------------------- certificates


def test_pem_der_and_pkcs7_files_are_certificates():
    cert = make_cert()
    pem = cert.public_bytes(serialization.Encoding.PEM)
    der = cert.public_bytes(serialization.Encoding.DER)
    p7b = pkcs7.serialize_certificates([cert, make_cert("bob@example.test")], serialization.Encoding.DER)
    p7b_pem = pkcs7.serialize_certificates([cert], serialization.Encoding.PEM)
    assert evidence.is_certificate_file("alice.pem", "application/x-pem-file", pem)
    assert evidence.is_certificate_file("alice.cer", "application/octet-stream", der)
    assert evidence.is_certificate_file("chain.p7b", "application/pkcs7-mime", p7b)
    assert evidence.certificate_count(p7b) == 2
    assert evidence.certificate_count(p7b_pem) == 1


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"\x30\x82\x01\x00" + b"\x00" * 20,
        b"-----BEGIN CERTIFICATE-----\nnot base64!!\n-----END CERTIFICATE-----",
        b"%PDF-1.4",
        b"\x89PNG\r\n\x1a\n",
    ],  # fmt: skip
)
def test_garbage_is_not_a_certificate(payload):
    assert not evidence.is_certificate_file("x.crt", "application/x-x509-ca-cert", payload)
    assert evidence.certificate_count(payload) == 0


def test_pasted_pem_blocks_are_found_once_each_even_when_quoted():
    first = make_cert().public_bytes(serialization.Encoding.PEM).decode()
    second = make_cert("bob@example.test").public_bytes(serialization.Encoding.PEM).decode()
    quoted = "\n".join("> " + line for line in second.splitlines())
    text = f"Examples:\n{first}\nand again\n{first}\n{quoted}\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"
    ders = evidence.pem_certificates(text)
    assert len(ders) == 2
    assert evidence.pem_evidence(ders[0]) == "pem:sha256:" + hashlib.sha256(ders[0]).hexdigest()


# ---------------------------------------------------------------- crt.sh


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://crt.sh/?id=123", "https://crt.sh/?id=123"),
        ("crt.sh/?id=0123", "https://crt.sh/?id=123"),
        ("http://CRT.SH/?d=77", "https://crt.sh/?id=77"),
        ("https://crt.sh/?sha256=" + "ab" * 32, "https://crt.sh/?sha256=" + "AB" * 32),
        ("https://crt.sh/?q=" + "cd" * 32, "https://crt.sh/?sha256=" + "CD" * 32),
        ("https://crt.sh/?q=example.com", None),
        ("https://crt.sh/?id=abc", None),
    ],
)
def test_crtsh_links_are_normalised(url, expected):
    assert evidence.normalise_crtsh(url) == expected


def test_crtsh_links_in_text_are_listed_once_in_order():
    text = "See https://crt.sh/?id=5, crt.sh/?id=7 and (https://crt.sh/?d=5)."
    assert evidence.crtsh_links(text) == ["https://crt.sh/?id=5", "https://crt.sh/?id=7"]
