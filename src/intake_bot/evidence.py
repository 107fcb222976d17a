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
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:  # imported where used: a message without PDFs or certificates never loads them
    from cryptography import x509
    from pypdf import PageObject, PdfReader

    from .records import CertificateInfo

log = logging.getLogger(__name__)

MAX_PDF_PAGES = 12
MAX_CERT_FILE = 2_000_000

CERT_EXTENSIONS = (".pem", ".crt", ".cer", ".der", ".p7b", ".p7c", ".p7s", ".cert")
# A block never runs past the next BEGIN: '.*?' alone scanned on to the end of the text from every
# BEGIN that no END follows (quadratic in the number of BEGIN lines).
_PEM_BLOCK = re.compile(
    r"-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----((?:(?!-----BEGIN )(?:[^-]++|-))*?)"
    r"-----END (?:X509 |TRUSTED )?CERTIFICATE-----"
)
_CRTSH = re.compile(r"(?:https?://)?crt\.sh/?\?[^\s<>\"')\],;]+", re.IGNORECASE)
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


@dataclass(frozen=True)
class IprCheck:
    """What one document sent as the IPR agreement is, and what is wrong with it (date aside)."""

    kind: (
        str  # ipr_agreement | scan | invited_experts_agreement | patent_exclusion_notice | other | unreadable
    )
    version: str | None = None
    signature: str | None = None  # "digital" | "signature block" | None
    dated: bool = False
    organization: str | None = None
    problems: tuple[str, ...] = ()
    review: tuple[str, ...] = ()

    @property
    def acceptable(self) -> bool:
        return self.kind in ("ipr_agreement", "scan") and not self.problems


# ---------------------------------------------------------------- IPR agreement

_IPR_MARKERS = ("ipr policy agreement", "agreement for ipr policy", "ipr agreement")
_FORUM_MARKERS = ("cab forum", "ca/browser forum", "ca/b forum", "cabforum")
_OTHER_FORMS = (
    ("invited expert", "invited_experts_agreement", "is the Invited Experts Agreement"),
    ("patent exclusion notice", "patent_exclusion_notice", "is a Patent Exclusion Notice"),
    ("exclusion notice", "patent_exclusion_notice", "is a Patent Exclusion Notice"),
)
_BLOCK_LABELS = {
    "by": "by",
    "signature": "by",
    "signed": "by",
    "print name": "name",
    "name": "name",
    "title": "title",
    "date": "date",
    "participant organization name": "organization",
    "organization name": "organization",
    "organisation name": "organization",
    "participant organization": "organization",
}
_PLACEHOLDER = re.compile(r"[_.\s:\-–—/|\[\]]|\((?:signature|if entity|print name|date)\)", re.IGNORECASE)
_VERSION = re.compile(r"ipr\s+policy[^\n]{0,40}?(?:\bversion\s*|\bv\.?\s*)(\d+(?:\.\d+)+)", re.IGNORECASE)
_IMAGE_MAGIC = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"))
_SCAN_REVIEW = "a person must check that it is the IPR Policy Agreement, signed and dated, and which version"


def check_ipr(payload: bytes, filename: str = "", content_type: str = "") -> IprCheck:
    """Read a document offered as the IPR agreement: which form, which version, signed, dated, by whom.

    Each document is read once: again (a copy attached twice, or sent again in a follow-up to the same
    worker) it gets the same answer. pypdf's warnings quote the file's bytes: they are counted, not shown."""
    digest = hashlib.sha256(payload).digest()
    check = _IPR_CHECKED.get(digest)
    if check is None:
        with _pypdf_warnings_counted():
            check = _check_ipr(payload)
        if len(_IPR_CHECKED) >= 64:
            _IPR_CHECKED.clear()
        _IPR_CHECKED[digest] = check
    return check


_IPR_CHECKED: dict[bytes, IprCheck] = {}  # SHA-256 of a document -> what it is


@contextmanager
def _pypdf_warnings_counted() -> Iterator[None]:
    counter = _Counter()
    logger = logging.getLogger("pypdf")
    propagate, logger.propagate = logger.propagate, False
    logger.addHandler(counter)
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    finally:
        logger.removeHandler(counter)
        logger.propagate = propagate
        if counter.count or caught:
            log.info(
                "pypdf: %d warnings about a PDF (not shown: they quote its bytes)",
                counter.count + len(caught),
            )


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += record.levelno >= logging.WARNING


def _check_ipr(payload: bytes) -> IprCheck:
    image = _image_kind(payload)
    if image:
        return IprCheck("scan", review=(f"a {image} image (a photo or scan): {_SCAN_REVIEW}",))
    reader, reason = _open_pdf(payload)
    if reader is None:
        return IprCheck("unreadable", problems=(reason,))
    text = _pdf_text(reader)
    form = _form_values(reader)
    if not text.strip() and not form.get("text"):
        if _has_images(reader) or form.get("digital"):
            return IprCheck("scan", review=(f"an image-only PDF (a scan without text): {_SCAN_REVIEW}",))
        return IprCheck("unreadable", problems=("is an empty PDF: it has neither text nor images",))
    flat = " ".join(text.lower().split())
    for marker, kind, problem in _OTHER_FORMS:
        if marker in flat[:300]:
            return IprCheck(kind, problems=(f"{problem}, not the IPR Policy Agreement",))
    if not _is_ipr_text(flat):
        return IprCheck(
            "other", problems=("is not the IPR Policy Agreement (its text is that of another document)",)
        )
    return _completed_check(text, form, _has_images(reader))


def _completed_check(text: str, form: dict[str, Any], has_images: bool) -> IprCheck:
    block = _block_values(_signature_block(text) + "\n" + form.get("text", ""))
    digital = form.get("digital")
    signature = None
    if digital:
        signature = "digital"
    elif block.get("by") or (block.get("name") and has_images):
        signature = "signature block"
    problems = [] if signature else ["is not signed (the signature line “By:” is empty)"]
    dated = bool(block.get("date") or form.get("signed_at"))
    review = []
    if signature == "signature block" and not block.get("by"):
        review.append("the signature is an image next to the printed name: a person should look at it")
    return IprCheck(
        "ipr_agreement",
        version=_ipr_version(text),
        signature=signature,
        dated=dated,
        organization=block.get("organization"),
        problems=tuple(problems),
        review=tuple(review),
    )


def _image_kind(payload: bytes) -> str | None:
    return next((name for magic, name in _IMAGE_MAGIC if payload.startswith(magic)), None)


def _open_pdf(payload: bytes) -> tuple[PdfReader | None, str]:
    if not payload.lstrip()[:1024].startswith(b"%PDF"):
        return None, "is not a PDF file"
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(payload), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return (
                None,
                "is an encrypted (password-protected) PDF that cannot be read; please send it without a password",
            )
        _ = len(reader.pages)
        return reader, "ok"
    except MemoryError:
        raise
    except Exception as exc:  # pypdf raises many types on broken or hostile files
        log.info("unreadable PDF: %s: %s", type(exc).__name__, exc)
        if "crypt" in type(exc).__name__.lower() or "password" in str(exc).lower():
            return (
                None,
                "is an encrypted (password-protected) PDF that cannot be read; please send it without a password",
            )
        return None, f"is a damaged PDF that cannot be opened ({type(exc).__name__})"


def _pdf_text(reader: PdfReader) -> str:
    parts = []
    for page in _pages(reader):
        try:
            parts.append(page.extract_text() or "")
        except MemoryError:
            raise
        except Exception as exc:  # one broken page must not hide the others
            log.info("PDF page unreadable: %s", type(exc).__name__)
    return "\n".join(parts)


def _pages(reader: PdfReader) -> list[PageObject]:
    try:
        return list(reader.pages)[:MAX_PDF_PAGES]
    except MemoryError:
        raise
    except Exception:
        return []


def _has_images(reader: PdfReader) -> bool:
    for page in _pages(reader):
        try:
            resources: Any = page.get("/Resources") or {}
            xobjects: Any = resources.get_object().get("/XObject") or {}
            if any(obj.get_object().get("/Subtype") == "/Image" for obj in xobjects.get_object().values()):
                return True
        except MemoryError:
            raise
        except Exception:
            continue
    return False


def _is_ipr_text(flat: str) -> bool:
    if not any(marker in flat for marker in _IPR_MARKERS):
        return False
    return any(marker in flat for marker in _FORUM_MARKERS) and "participant" in flat


def _ipr_version(text: str) -> str | None:
    match = _VERSION.search(text)
    return match.group(1) if match else None


def _signature_block(text: str) -> str:
    index = text.upper().rfind("PARTICIPANT\n")
    return text[index:] if index >= 0 else text[-1500:]


def _block_values(block: str) -> dict[str, str]:
    """The filled values of the signature block: by, name, title, date, organization.

    A value may follow its label, sit on the line below it, or (the form's underlined layout)
    sit on the line above a label that has no value of its own."""
    lines = [line.strip() for line in block.splitlines()]
    values: dict[str, str] = {}
    for index, line in enumerate(lines):
        label, sep, value = line.partition(":")
        key = _BLOCK_LABELS.get(_label_key(label if sep else line))
        if key is None:
            continue
        if not _is_filled(value) and index + 1 < len(lines) and _free_line(lines[index + 1]):
            value = lines[index + 1]
        if not _is_filled(value) and key == "organization" and index > 0 and _free_line(lines[index - 1]):
            value = lines[index - 1]
        if _is_filled(value) and key not in values:
            values[key] = " ".join(_PLACEHOLDER_TAIL.sub("", value).split())
    return values


_PLACEHOLDER_TAIL = re.compile(r"\((?:signature|if entity|print name|date)\)", re.IGNORECASE)


def _label_key(label: str) -> str:
    label = re.sub(r"\(.*?\)", " ", label).strip().lower()
    return " ".join(label.split())


def _free_line(line: str) -> bool:
    """A line that is a value, not a label or the '(Signature)' caption."""
    if not _is_filled(line):
        return False
    label, sep, _ = line.partition(":")
    return _BLOCK_LABELS.get(_label_key(label if sep else line)) is None


def _is_filled(value: str) -> bool:
    return bool(re.search(r"\w", _PLACEHOLDER.sub("", value)))


def _form_values(reader: PdfReader) -> dict[str, Any]:
    """AcroForm values typed into the form (as 'label: value' text) and any digital signature."""
    try:
        fields = reader.get_fields() or {}
    except MemoryError:
        raise
    except Exception:
        return {}
    found: dict[str, Any] = {"text": ""}
    lines = []
    for name, field in fields.items():
        try:
            value = field.get("/V")
            kind = field.get("/FT")
        except MemoryError:
            raise
        except Exception:
            continue
        if kind == "/Sig":
            signed_at = _signature_time(value)
            if value is not None:
                found["digital"] = True
                found["signed_at"] = found.get("signed_at") or signed_at
            continue
        if value and _is_filled(str(value)) and str(value) not in ("/Off", "/No"):
            lines.append(f"{_form_label(str(name))}: {value}")
    found["text"] = "\n".join(lines)
    return found


def _signature_time(value: Any) -> str | None:
    try:
        return str(value.get_object().get("/M") or "") or None
    except MemoryError:
        raise
    except Exception:
        return None


def _form_label(name: str) -> str:
    low = name.lower()
    for needle, label in (
        ("date", "Date"),
        ("print", "Print Name"),
        ("org", "Participant Organization Name"),
        ("title", "Title"),
        ("sign", "By"),
        ("name", "Print Name"),
        ("by", "By"),
    ):
        if needle in low:
            return label
    return name


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
    except MemoryError:
        raise
    except Exception:
        return len(pem_certificates(payload.decode("ascii", "replace")))


def _der_count(payload: bytes) -> int:
    try:
        from cryptography import x509

        x509.load_der_x509_certificate(payload)
        return 1
    except MemoryError:
        raise
    except Exception:
        pass
    try:
        from cryptography.hazmat.primitives.serialization import pkcs7

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return len(pkcs7.load_der_pkcs7_certificates(payload))
    except MemoryError:
        raise
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
    except MemoryError:
        raise
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


# ---------------------------------------------------------------- certificate facts

EKU_EMAIL = "1.3.6.1.5.5.7.3.4"
EKU_CODE_SIGNING = "1.3.6.1.5.5.7.3.3"
EKU_SERVER_AUTH = "1.3.6.1.5.5.7.3.1"
EKU_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2"
_EKU_NAMES = {
    EKU_EMAIL: "emailProtection",
    EKU_CODE_SIGNING: "codeSigning",
    EKU_SERVER_AUTH: "serverAuth",
    EKU_CLIENT_AUTH: "clientAuth",
    "1.3.6.1.5.5.7.3.8": "timeStamping",
    "2.5.29.37.0": "anyExtendedKeyUsage",
}
_SMTP_UTF8_MAILBOX = "1.3.6.1.5.5.7.8.9"
# What each working group's evidence must be: (EKU, policy OID prefixes, what to call it)
PURPOSES = {
    "smime": (EKU_EMAIL, ("2.23.140.1.5",), "an S/MIME certificate"),
    "code_signing": (EKU_CODE_SIGNING, ("2.23.140.1.4.1", "2.23.140.1.3"), "a code signing certificate"),
    "tls": (EKU_SERVER_AUTH, ("2.23.140.1.2",), "a TLS server certificate"),
}


def read_certificates(payload: bytes) -> list[x509.Certificate]:
    """Every X.509 certificate in PEM, DER or PKCS#7 (.p7b, .p7s) bytes; [] when none or unreadable."""
    if not payload or len(payload) > MAX_CERT_FILE:
        return []
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import pkcs7

    loaders: list[Callable[[bytes], list[x509.Certificate]]] = []
    if b"-----BEGIN" in payload:
        loaders = [pkcs7.load_pem_pkcs7_certificates, x509.load_pem_x509_certificates]
    elif payload[:1] == b"\x30":
        loaders = [lambda p: [x509.load_der_x509_certificate(p)], pkcs7.load_der_pkcs7_certificates]
    for load in loaders:
        try:
            with warnings.catch_warnings():  # BER fall-back warnings: the bytes are the applicant's
                warnings.simplefilter("ignore")
                certs = list(load(payload))
        except MemoryError:
            raise
        except Exception:
            continue
        if certs:
            return certs
    if b"-----BEGIN" in payload:
        return [
            x509.load_der_x509_certificate(d) for d in pem_certificates(payload.decode("ascii", "replace"))
        ]
    return []


def end_entities(certs: list[x509.Certificate]) -> list[x509.Certificate]:
    """The certificates that are not CAs and issued none of the others (a chain's leaf, a p7s signer)."""
    issuers = {c.issuer.public_bytes() for c in certs}
    leaves = [
        c for c in certs if not _is_ca(c) and (c.subject.public_bytes() not in issuers or len(certs) == 1)
    ]
    return leaves or [c for c in certs if not _is_ca(c)]


def certificate_info(cert: x509.Certificate) -> CertificateInfo:
    """The facts of one certificate, as a record (see records.CertificateInfo)."""
    from cryptography.hazmat.primitives import hashes

    from .records import CertificateInfo

    return CertificateInfo(
        subject=_name(cert.subject),
        issuer=_name(cert.issuer),
        serial=format(cert.serial_number, "X"),
        sha256=cert.fingerprint(hashes.SHA256()).hex().upper(),
        not_before=cert.not_valid_before_utc.isoformat(),
        not_after=cert.not_valid_after_utc.isoformat(),
        ekus=tuple(_extension(cert, "ekus")),
        policies=tuple(_extension(cert, "policies")),
        email_sans=tuple(_extension(cert, "email_sans")),
        is_ca=_is_ca(cert),
        self_signed=cert.issuer == cert.subject,
    )


def _name(name: x509.Name) -> str:
    try:
        return str(name.rfc4514_string())
    except MemoryError:
        raise
    except Exception:
        return repr(name)


def _is_ca(cert: x509.Certificate) -> bool:
    from cryptography import x509

    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except MemoryError:
        raise
    except Exception:
        return False


def _extension(cert: x509.Certificate, what: str) -> list[str]:
    from cryptography import x509

    try:
        if what == "ekus":
            return [
                o.dotted_string for o in cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
            ]
        if what == "policies":
            value = cert.extensions.get_extension_for_class(x509.CertificatePolicies).value
            return [p.policy_identifier.dotted_string for p in value]
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        found = list(san.get_values_for_type(x509.RFC822Name))
        for other in san.get_values_for_type(x509.OtherName):
            if other.type_id.dotted_string == _SMTP_UTF8_MAILBOX:
                found.append(_utf8_string(other.value))
        return found
    except MemoryError:
        raise
    except Exception:  # absent or malformed extension: the fact is "none"
        return []


def _utf8_string(der: bytes) -> str:
    """The text of a DER UTF8String (short or long form length)."""
    if len(der) < 2 or der[0] != 0x0C:
        return der.decode("utf-8", "replace")
    length, start = der[1], 2
    if length & 0x80:
        count = length & 0x7F
        length, start = int.from_bytes(der[2 : 2 + count], "big"), 2 + count
    return der[start : start + length].decode("utf-8", "replace")


def certificate_problems(
    info: dict[str, Any], purpose: str = "smime", at: datetime | None = None
) -> list[str]:
    """Why a certificate (its facts as stored) is not evidence for the purpose; [] when it qualifies."""
    eku, prefixes, what = PURPOSES.get(purpose, PURPOSES["smime"])
    problems = []
    if info.get("is_ca"):
        problems.append("is a CA certificate, not an end-entity certificate")
    elif info.get("self_signed"):
        problems.append("is self-signed, not issued by a CA")
    ekus = list(info.get("ekus") or [])
    if eku not in ekus:
        named = ", ".join(_EKU_NAMES.get(o, o) for o in ekus)
        if not ekus:
            problems.append(f"has no extended key usage; {what} needs {_EKU_NAMES[eku]}")
        elif EKU_SERVER_AUTH in ekus and purpose != "tls":
            problems.append(f"is a TLS certificate ({named}), not {what} ({_EKU_NAMES[eku]})")
        else:
            problems.append(f"has the extended key usage {named}, not {_EKU_NAMES[eku]}")
    if purpose == "smime" and not info.get("email_sans"):
        problems.append("has no e-mail address (rfc822Name) among its subject alternative names")
    policies = list(info.get("policies") or [])
    if not any(p == pre or p.startswith(pre + ".") for p in policies for pre in prefixes):
        wanted = " or ".join(f"{pre}.x" for pre in prefixes)
        found = f" (it has {', '.join(policies)})" if policies else ""
        problems.append(f"has no Baseline Requirements policy OID {wanted}{found}")
    problems += _validity_problems(info, at)
    return problems


def _validity_problems(info: dict[str, Any], at: datetime | None) -> list[str]:
    if at is None:
        return []
    try:
        start = datetime.fromisoformat(info["not_before"])
        end = datetime.fromisoformat(info["not_after"])
    except (KeyError, TypeError, ValueError):
        return ["has a validity period that could not be read"]
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    if at > end:
        return [f"had expired on {end.date().isoformat()}, before it was sent ({at.date().isoformat()})"]
    if at < start:
        return [
            f"was not yet valid when sent ({at.date().isoformat()}; valid from {start.date().isoformat()})"
        ]
    return []


# ---------------------------------------------------------------- serial + SHA-256 references

_SERIAL = re.compile(
    r"serial(?:\s*(?:number|no\.?|#))?\s*[:=]?\s*((?:0x)?[0-9A-Fa-f]{2}(?:[:\s]?[0-9A-Fa-f]{2}){3,39})\b",
    re.I,
)


def serial_near(text: str) -> str | None:
    """A certificate serial number stated in the text ('Serial: 01:AB...'), hex upper case, no separators."""
    match = _SERIAL.search(text)
    if not match:
        return None
    value = re.sub(r"[:\s]|^0x", "", match.group(1), flags=re.I).upper()
    return value.lstrip("0") or "0"


# ---------------------------------------------------------------- audit report URLs

_ETSI_HINTS = re.compile(
    r"etsi|\baal\b|[-_/]aal[-_./]|attestation|319[-_ ]?411|319[-_ ]?401|119[-_ ]?411|conformity", re.I
)
_CAB_HOSTS = re.compile(
    r"(?:^|\.)(?:tuvit\.de|tuev-nord\.de|tuv-nord\.com|tuvaustria\.com|tuv\.at|lsti-certification\.fr|lsti\.eu|"
    r"datenschutz-cert\.de|acab-c\.com|csqa\.it|bureauveritas\.\w+|kiwa\.com|dekra\.\w+|cseye\.com|"
    r"eurocert\.\w+|qmsc\.\w+|sgs\.com|bsigroup\.com|trustcb\.com)$",
    re.I,
)


@dataclass(frozen=True)
class AuditUrl:
    """What kind of audit report a URL points at, told from the URL alone (no network)."""

    kind: str  # webtrust_seal | webtrust_legacy | etsi_attestation | bugzilla | pdf | other
    note: str | None = None  # something a person should know (not a reason to count it missing)


def classify_audit_url(url: str) -> AuditUrl:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return AuditUrl("other", "the audit report address is not a valid URL")
    where = f"{parts.path}?{parts.query}"
    if host == "cert.webtrust.org" or host.endswith(".cert.webtrust.org"):
        return AuditUrl(
            "webtrust_legacy",
            "cert.webtrust.org has been offline since 2018: the link cannot work; "
            "the current WebTrust seal is on cpacanada.ca (https://www.cpacanada.ca/webtrustseal?sealid=...)",
        )
    if host.endswith("cpacanada.ca") and re.search(r"webtrust|seal", where, re.I):
        return AuditUrl("webtrust_seal")
    if host.endswith("webtrust.org"):
        return AuditUrl("webtrust_seal")
    if host == "bugzilla.mozilla.org":
        return AuditUrl("bugzilla", "a Bugzilla attachment: a person should check it is the current report")
    is_pdf = parts.path.lower().endswith(".pdf") or "pdf" in parts.query.lower()
    if is_pdf and (_CAB_HOSTS.search(host) or _ETSI_HINTS.search(where)):
        return AuditUrl("etsi_attestation")
    if is_pdf:
        return AuditUrl(
            "pdf", "a PDF that is neither a WebTrust seal nor recognisably an ETSI attestation letter"
        )
    return AuditUrl(
        "other", "neither a WebTrust seal nor an ETSI attestation letter: a person should check it"
    )
