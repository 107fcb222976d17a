"""Pure recognisers for the documents an application carries.

- the Forum's IPR Policy Agreement in a PDF (read with pypdf), filled in and signed;
- certificates in attachments (PEM, DER, PKCS#7) and PEM blocks pasted into the body;
- crt.sh links, normalised.

Every third-party call is guarded: hostile or broken input gives "not evidence"
with a reason, never an exception.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import logging
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger(__name__)

MAX_PDF_PAGES = 12
MAX_CERT_FILE = 2_000_000

CERT_EXTENSIONS = (".pem", ".crt", ".cer", ".der", ".p7b", ".p7c", ".p7s", ".cert")
_PEM_BLOCK = re.compile(
    r"-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----(.*?)-----END (?:X509 |TRUSTED )?CERTIFICATE-----",
    re.DOTALL,
)
_CRTSH = re.compile(r"(?:https?://)?crt\.sh/?\?[^\s<>\"')\],;]+", re.IGNORECASE)
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


@dataclass(frozen=True)
class IprVerdict:
    """Whether a PDF is a filled-in IPR Policy Agreement, and why (not)."""

    accepted: bool
    reason: str
    version: str | None = None


# ---------------------------------------------------------------- IPR agreement

_IPR_MARKERS = ("ipr policy agreement", "agreement for ipr policy", "ipr agreement")
_FORUM_MARKERS = ("cab forum", "ca/browser forum", "ca/b forum", "cabforum")
_NOT_IPR_TITLES = ("invited expert", "patent exclusion notice", "exclusion notice")
_SIGNATURE_FIELDS = ("by", "print name", "name", "title", "date", "signature", "signed")
_PLACEHOLDER = re.compile(r"[_.\s:\-–—/|\[\]]|\((?:signature|if entity|print name|date)\)", re.IGNORECASE)
_VERSION = re.compile(r"ipr\s+policy\s*,?\s*(?:version\s*|v\.?\s*)(\d+(?:\.\d+)+)", re.IGNORECASE)


def ipr_verdict(payload: bytes, filename: str = "") -> IprVerdict:
    """Is this PDF the Forum's IPR Policy Agreement, filled in and signed?"""
    reader, reason = _open_pdf(payload)
    if reader is None:
        return IprVerdict(False, reason)
    text = _pdf_text(reader)
    if not text.strip():
        return _image_only_verdict(reader, filename)
    flat = " ".join(text.lower().split())
    if not _is_ipr_text(flat):
        return IprVerdict(False, "not the IPR Policy Agreement")
    version = _ipr_version(text)
    if _has_filled_signature(text) or _has_filled_form(reader):
        return IprVerdict(True, "signed IPR Policy Agreement", version)
    return IprVerdict(False, "IPR Policy Agreement template is not filled in or signed", version)


def _open_pdf(payload: bytes):
    if not payload.lstrip()[:1024].startswith(b"%PDF"):
        return None, "not a PDF"
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(payload), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return None, "encrypted PDF"
        _ = len(reader.pages)
        return reader, "ok"
    except Exception as exc:  # pypdf raises many types on broken or hostile files
        log.info("unreadable PDF: %s: %s", type(exc).__name__, exc)
        return None, f"unreadable PDF ({type(exc).__name__})"


def _pdf_text(reader) -> str:
    parts = []
    for page in _pages(reader):
        try:
            parts.append(page.extract_text() or "")
        except Exception as exc:  # one broken page must not hide the others
            log.info("PDF page unreadable: %s", type(exc).__name__)
    return "\n".join(parts)


def _pages(reader) -> list:
    try:
        return list(reader.pages)[:MAX_PDF_PAGES]
    except Exception:
        return []


def _image_only_verdict(reader, filename: str) -> IprVerdict:
    """A scan has no text layer: it can only be told by its name; staff should check it."""
    if _has_filled_form(reader):
        return IprVerdict(True, "signed form without text layer")
    if re.search(r"ipr|intellectual", filename, re.IGNORECASE) and _has_images(reader):
        return IprVerdict(True, "scanned (image-only) PDF named as the IPR agreement: staff to verify")
    return IprVerdict(False, "PDF has no text layer")


def _has_images(reader) -> bool:
    for page in _pages(reader):
        try:
            resources = page.get("/Resources") or {}
            xobjects = resources.get_object().get("/XObject") or {}
            if any(obj.get_object().get("/Subtype") == "/Image" for obj in xobjects.get_object().values()):
                return True
        except Exception:
            continue
    return False


def _is_ipr_text(flat: str) -> bool:
    head = flat[:300]
    if any(marker in head for marker in _NOT_IPR_TITLES):
        return False
    if not any(marker in flat for marker in _IPR_MARKERS):
        return False
    return any(marker in flat for marker in _FORUM_MARKERS) and "participant" in flat


def _ipr_version(text: str) -> str | None:
    match = _VERSION.search(text)
    return match.group(1) if match else None


def _has_filled_signature(text: str) -> bool:
    """At least two of the signature block's fields carry a real value."""
    block = _signature_block(text)
    lines = block.splitlines()
    filled = 0
    for index, line in enumerate(lines):
        label, sep, value = line.partition(":")
        if not sep or label.strip().lower() not in _SIGNATURE_FIELDS:
            continue
        if not value.strip() and index + 1 < len(lines) and ":" not in lines[index + 1]:
            value = lines[index + 1]  # the value laid out on the line below its label
        filled += _is_filled(value)
    return filled >= 2


def _signature_block(text: str) -> str:
    index = text.upper().rfind("PARTICIPANT\n")
    return text[index:] if index >= 0 else text[-1500:]


def _is_filled(value: str) -> bool:
    return bool(re.search(r"\w", _PLACEHOLDER.sub("", value)))


def _has_filled_form(reader) -> bool:
    """AcroForm values (typed into the form) or a digital signature field with a value."""
    try:
        fields = reader.get_fields() or {}
    except Exception:
        return False
    signed = 0
    filled = 0
    for field in fields.values():
        try:
            value = field.get("/V")
            kind = field.get("/FT")
        except Exception:
            continue
        if kind == "/Sig" and value:
            signed += 1
        elif value and _is_filled(str(value)) and str(value) not in ("/Off", "/No"):
            filled += 1
    return signed > 0 or filled >= 2


# ---------------------------------------------------------------- certificates


def certificate_count(payload: bytes) -> int:
    """How many X.509 certificates the bytes hold (PEM, DER or PKCS#7); 0 when none or unreadable."""
    if not payload or len(payload) > MAX_CERT_FILE:
        return 0
    if b"-----BEGIN" in payload:
        return _pem_file_count(payload)
    if payload[:1] == b"\x30":
        return _der_count(payload)
    return 0


def is_certificate_file(filename: str, content_type: str, payload: bytes) -> bool:
    """An attached certificate file, told by its bytes (the name only decides whether to look)."""
    name = filename.lower()
    looks = (
        name.endswith(CERT_EXTENSIONS)
        or any(word in content_type.lower() for word in ("pkix", "x509", "x-x509", "pkcs7", "pem"))
        or payload[:1] == b"\x30"
        or b"-----BEGIN" in payload[:4096]
    )
    return looks and certificate_count(payload) > 0


def _pem_file_count(payload: bytes) -> int:
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives.serialization import pkcs7

        if b"-----BEGIN PKCS7-----" in payload:
            return len(pkcs7.load_pem_pkcs7_certificates(payload))
        return len(x509.load_pem_x509_certificates(payload))
    except Exception:
        return len(pem_certificates(payload.decode("ascii", "replace")))


def _der_count(payload: bytes) -> int:
    try:
        from cryptography import x509

        x509.load_der_x509_certificate(payload)
        return 1
    except Exception:
        pass
    try:
        from cryptography.hazmat.primitives.serialization import pkcs7

        return len(pkcs7.load_der_pkcs7_certificates(payload))
    except Exception:
        return 0


def pem_certificates(text: str) -> list[bytes]:
    """The DER bytes of every valid certificate pasted as a PEM block, in order, each once."""
    found: list[bytes] = []
    for match in _PEM_BLOCK.finditer(text):
        der = _pem_body_to_der(match.group(1))
        if der is not None and der not in found:
            found.append(der)
    return found


def pem_evidence(der: bytes) -> str:
    return f"pem:sha256:{hashlib.sha256(der).hexdigest()}"


def _pem_body_to_der(body: str) -> bytes | None:
    lines = [line.strip().lstrip(">").strip() for line in body.splitlines()]
    b64 = "".join(line for line in lines if line and ":" not in line)
    try:
        der = base64.b64decode(b64, validate=False)
    except (binascii.Error, ValueError):
        return None
    return der if _is_x509(der) else None


def _is_x509(der: bytes) -> bool:
    try:
        from cryptography import x509

        x509.load_der_x509_certificate(der)
        return True
    except Exception:
        return False


# ---------------------------------------------------------------- crt.sh


def crtsh_links(text: str) -> list[str]:
    """Every crt.sh certificate link in the text, normalised, each once, in order."""
    found: list[str] = []
    for match in _CRTSH.finditer(text):
        link = normalise_crtsh(match.group(0))
        if link and link not in found:
            found.append(link)
    return found


def normalise_crtsh(url: str) -> str | None:
    """https://crt.sh/?id=N (also for ?d=N), https://crt.sh/?sha256=HEX; None when not a certificate."""
    url = url.strip().rstrip(".,;:)>]")
    if not re.match(r"https?://", url, re.IGNORECASE):
        url = "https://" + url
    try:
        query = parse_qs(urlsplit(url).query)
    except ValueError:
        return None
    lowered = {key.lower(): values[0].strip() for key, values in query.items() if values}
    for key in ("id", "d"):
        if lowered.get(key, "").isdigit():
            return f"https://crt.sh/?id={int(lowered[key])}"
    for key in ("sha256", "q"):
        if _HEX64.match(lowered.get(key, "")):
            return f"https://crt.sh/?sha256={lowered[key].upper()}"
    return None
