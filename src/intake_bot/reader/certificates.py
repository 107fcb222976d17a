"""Certificate evidence: crt.sh links, fingerprints, pasted PEM and attached certificate files."""

from __future__ import annotations

import re
from datetime import datetime

from .. import evidence
from ..records import CertificateFinding, ParsedEmail
from .prose import Sentence
from .statements import Statement, of

_FINGERPRINT = re.compile(r"(?<![0-9a-fA-F])(?:[0-9a-fA-F]{2}[:\s]?){31}[0-9a-fA-F]{2}(?![0-9a-fA-F])")
_CERT_PROSE = re.compile(r"certificate|crt\.sh|fingerprint|sha-?256|example", re.I)


def certificate_evidence(
    statements: list[Statement],
    sentences: list[Sentence],
    body: str,
    pem_ders: list[bytes],
    parsed: ParsedEmail,
    sent_at: datetime | None = None,
) -> tuple[tuple[str, ...], tuple[CertificateFinding, ...]]:
    """The references (as `certificate_evidence` lists them) and, for each, what it holds."""
    checked_at = sent_at.isoformat() if sent_at else None
    findings = [CertificateFinding(link, "crt.sh") for link in evidence.crtsh_links(body)]
    texts = [s.value for s in of(statements, "certificates")] + [
        s.text for s in sentences if _CERT_PROSE.search(s.text)
    ]
    for text in texts:
        serial = evidence.serial_near(text)
        findings += [CertificateFinding(link, "fingerprint", serial=serial) for link in fingerprints_in(text)]
    for der in pem_ders:
        findings.append(_file_finding(evidence.pem_evidence(der), "pasted", der, checked_at))
    findings += attached_certificates(parsed, checked_at)
    unique = {f.reference: f for f in reversed(findings)}  # the first finding of a reference is kept
    ordered = tuple(unique[ref] for ref in dict.fromkeys(f.reference for f in findings))
    return tuple(f.reference for f in ordered), ordered


def fingerprints_in(text: str) -> list[str]:
    """SHA-256 fingerprints given as text, as the crt.sh link that shows the certificate."""
    text = re.sub(r"https?://\S+", " ", text)
    hexes = [re.sub(r"[:\s]", "", m.group(0)).upper() for m in _FINGERPRINT.finditer(text)]
    return [f"https://crt.sh/?sha256={h}" for h in hexes if len(h) == 64]


def attached_certificates(parsed: ParsedEmail, checked_at: str | None = None) -> list[CertificateFinding]:
    """Each attached certificate file once, and the signer of the message's own S/MIME signature."""
    found = []
    for position, attachment in enumerate(parsed.attachments, start=1):
        own_signature = (
            attachment.filename.lower() in ("smime.p7s", "smime.p7m")
            or "pkcs7-signature" in attachment.content_type
        )
        if not evidence.is_certificate_file(attachment.filename, attachment.content_type, attachment.payload):
            continue
        source = "signature" if own_signature else "attachment"
        reference = f"{source}:{attachment.filename} sha256:{attachment.sha256}"
        found.append(_file_finding(reference, source, attachment.payload, checked_at, position))
    return found


def _file_finding(
    reference: str, source: str, payload: bytes, checked_at: str | None, position: int = 0
) -> CertificateFinding:
    certs = evidence.read_certificates(payload)
    if not certs:
        return CertificateFinding(
            reference, source, problems=("no certificate could be read from it",), position=position
        )
    infos = tuple(evidence.certificate_info(c) for c in evidence.end_entities(certs) or certs)
    return CertificateFinding(reference, source, certificates=infos, checked_at=checked_at, position=position)
