"""Real artefacts for the evidence tests, made on the fly: PDFs (fpdf2, pypdf, pyhanko),
certificates and S/MIME signatures (cryptography)."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zlib
from email.message import EmailMessage
from email.policy import SMTP

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from fpdf import FPDF

from test_evidence import IPR_TEXT, make_pdf

SMIME_POLICY = "2.23.140.1.5.2.2"  # S/MIME BR, mailbox-validated strict
CS_POLICY = "2.23.140.1.4.1"
TLS_POLICY = "2.23.140.1.2.1"


# ---------------------------------------------------------------- PDFs


def ipr_block(
    by: str = "/s/ Ada Lovelace",
    name: str = "Ada Lovelace",
    org: str = "Analytical Engines Ltd",
    date: str = "3 March 2026",
) -> list[str]:
    return ["PARTICIPANT", f"By: {by}", "(Signature)", f"Print Name: {name}", "Title: Director", org,
            "Participant Organization Name (if entity)", f"Date: {date}"]  # fmt: skip


def ipr_agreement(version: str = "1.4", **block) -> bytes:
    return make_pdf(f"CAB Forum Agreement for IPR Policy v.{version}", [IPR_TEXT], ipr_block(**block))


def png(width: int = 40, height: int = 20) -> bytes:
    """A real grey PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def image_only_pdf() -> bytes:
    """A scan: one page holding an image and no text layer."""
    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(png()), x=10, y=10, w=180)
    return bytes(pdf.output())


def pdf_with_sig_field(payload: bytes, signed_at: str = "D:20260310120000Z") -> bytes:
    """The agreement with an AcroForm signature field whose value is a signature dictionary."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(payload)))
    sig_value = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Sig"),
                NameObject("/Filter"): NameObject("/Adobe.PPKLite"),
                NameObject("/SubFilter"): NameObject("/adbe.pkcs7.detached"),
                NameObject("/M"): TextStringObject(signed_at),
                NameObject("/Name"): TextStringObject("Ada Lovelace"),
            }
        )
    )
    field = writer._add_object(
        DictionaryObject(
            {
                NameObject("/FT"): NameObject("/Sig"),
                NameObject("/T"): TextStringObject("Signature1"),
                NameObject("/V"): sig_value,
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
                NameObject("/P"): writer.pages[0].indirect_reference,
            }
        )
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([field])
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject([field]), NameObject("/SigFlags"): NumberObject(3)}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pyhanko_signed(payload: bytes) -> bytes:
    """The PDF digitally signed (PAdES, pyhanko) with a throwaway key and self-made certificate."""
    from asn1crypto import keys as a_keys
    from asn1crypto import x509 as a_x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key, cert = issue("ada@example.test", ekus=(ExtendedKeyUsageOID.EMAIL_PROTECTION,))
    signer = signers.SimpleSigner(
        signing_cert=a_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        signing_key=a_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        cert_registry=SimpleCertificateStore(),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(payload))
    out = signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name="Signature1"), signer=signer)
    return out.getvalue()


# ---------------------------------------------------------------- certificates

_CA_KEY = ec.generate_private_key(ec.SECP256R1())
_CA_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "GB"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Analytical Engines Ltd"),
        x509.NameAttribute(NameOID.COMMON_NAME, "Analytical Engines S/MIME CA"),
    ]
)


def ca_certificate() -> x509.Certificate:
    return (
        x509.CertificateBuilder()
        .subject_name(_CA_NAME)
        .issuer_name(_CA_NAME)
        .public_key(_CA_KEY.public_key())
        .serial_number(1)
        .not_valid_before(dt.datetime(2024, 1, 1))
        .not_valid_after(dt.datetime(2034, 1, 1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(_CA_KEY, hashes.SHA256())
    )


def issue(
    email: str = "alice@example.test",
    *,
    ekus=(ExtendedKeyUsageOID.EMAIL_PROTECTION,),
    policy: str | None = SMIME_POLICY,
    not_before: dt.datetime = dt.datetime(2026, 1, 1),
    not_after: dt.datetime = dt.datetime(2027, 1, 1),
    san: str = "rfc822",
):
    """(key, certificate) of an end-entity certificate issued by the test CA."""
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, email)]))
        .issuer_name(_CA_NAME)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
    )
    if ekus:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(ekus)), critical=False)
    if san == "rfc822":
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
    elif san == "smtputf8":
        value = email.encode("utf-8")
        other = x509.OtherName(x509.ObjectIdentifier("1.3.6.1.5.5.7.8.9"), bytes([0x0C, len(value)]) + value)
        builder = builder.add_extension(x509.SubjectAlternativeName([other]), critical=False)
    elif san == "dns":
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(email)]), critical=False)
    if policy:
        builder = builder.add_extension(
            x509.CertificatePolicies([x509.PolicyInformation(x509.ObjectIdentifier(policy), None)]),
            critical=False,
        )
    return key, builder.sign(_CA_KEY, hashes.SHA256())


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


# ---------------------------------------------------------------- S/MIME-signed e-mail


def smime_signed_email(body: str, sender: str = "alice@example.test", **cert_options) -> bytes:
    """A complete multipart/signed message with a detached PKCS#7 signature by the sender's certificate."""
    key, cert = issue(sender, **cert_options)
    inner = EmailMessage(policy=SMTP)
    inner.set_content(body)
    signed = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(inner.as_bytes())
        .add_signer(cert, key, hashes.SHA256())
        .add_certificate(ca_certificate())
        .sign(serialization.Encoding.SMIME, [pkcs7.PKCS7Options.DetachedSignature])
    )
    headers = (
        f"From: Alice Example <{sender}>\r\nTo: questions@cabforum.org\r\n"
        "Subject: Membership Application of Analytical Engines Ltd\r\n"
        "Date: Tue, 10 Mar 2026 10:00:00 +0000\r\nMessage-ID: <signed-1@example.test>\r\n"
    ).encode()
    return headers + signed.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
