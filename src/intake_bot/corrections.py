"""Pure: a staff correction (`set REF FIELD VALUE`) checked and normalised as the reader would have it.

The shapes a value takes: what `set --help` shows, and the function that turns the text staff typed
into the stored JSON value, or raises UsageError saying what was expected. Each item of the catalogue
(items.py) names its shape.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import UsageError
from .records import Category, IprAgreement


@dataclass(frozen=True)
class Shape:
    text: str  # what the value looks like, for help and errors
    example: str  # a command-line example of it
    parse: Callable[[str, str], Any]  # (field, raw text) -> the JSON value


def email_address(value: Any, what: str) -> str:
    """An address as the reader accepts it (email-validator, no DNS), normalised to lower case."""
    from email_validator import EmailNotValidError, validate_email

    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{what} must be an e-mail address, not {json.dumps(value)}")
    try:
        return validate_email(
            value.strip(), check_deliverability=False, test_environment=True
        ).normalized.lower()
    except EmailNotValidError as exc:
        raise UsageError(f"{what} {value.strip()!r} is not an e-mail address: {exc}") from exc


def web_url(value: Any, what: str) -> str:
    """An http(s) URL, normalised as the reader normalises the ones it finds (scheme added, host lower-cased)."""
    from .reader.urls import normalise_url

    url = normalise_url(value) if isinstance(value, str) else None
    if url is None or not url.startswith(("https://", "http://")):
        raise UsageError(
            f"{what} must be a web address like https://www.example.com, not {json.dumps(value)}"
        )
    return url


def one_line(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{what} must be a non-empty text, not {json.dumps(value)}")
    return " ".join(value.split())  # no line breaks or tabs in a name


def optional_name(value: Any, what: str) -> str | None:
    return None if value is None or value == "" else one_line(value, what)


def json_value(field: str, raw: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        shape = _shape(field)
        raise UsageError(f"{field} takes JSON: {shape.text}, e.g. {shape.example}") from exc


def _object(field: str, raw: str, keys: tuple[str, ...]) -> dict[str, Any]:
    value = json_value(field, raw)
    if not isinstance(value, dict):
        shape = _shape(field)
        raise UsageError(
            f"{field} must be a JSON object {shape.text}, not {json.dumps(value)}; e.g. {shape.example}"
        )
    unknown = sorted(set(value) - set(keys))
    if unknown:
        raise UsageError(f"{field} has no key {unknown[0]!r}; its keys are {', '.join(keys)}")
    return value


def _list(field: str, raw: str) -> list[Any]:
    value = json_value(field, raw)
    if not isinstance(value, list) or not value:
        shape = _shape(field)
        raise UsageError(
            f"{field} must be a non-empty JSON list {shape.text}, not {json.dumps(value)}; e.g. {shape.example}"
        )
    return value


def category(field: str, raw: str) -> str:
    value = raw.strip().lower().replace("-", "_").replace(" ", "_")
    if value not in set(Category):
        raise UsageError(f"category must be one of {', '.join(Category)}, not {raw!r}")
    return value


def representatives(field: str, raw: str) -> list[dict[str, Any]]:
    people = []
    for n, person in enumerate(_list(field, raw), start=1):
        if not isinstance(person, dict):
            raise UsageError(f"representatives: entry {n} must be an object like {_shape(field).example}")
        unknown = sorted(set(person) - {"name", "email", "voting"})
        if unknown:
            raise UsageError(
                f"representatives: entry {n} has no key {unknown[0]!r}; its keys are name, email, voting"
            )
        voting = person.get("voting", False)
        if not isinstance(voting, bool):
            raise UsageError(
                f"representatives: entry {n}'s voting must be true or false, not {json.dumps(voting)}"
            )
        people.append(
            {
                "name": optional_name(person.get("name"), f"representatives: entry {n}'s name"),
                "email": email_address(person.get("email"), f"representatives: entry {n}'s email"),
                "voting": voting,
            }
        )
    if sum(bool(p["voting"]) for p in people) > 1:
        raise UsageError("representatives: at most one is the voting representative")
    return people


def emergency_contact(field: str, raw: str) -> dict[str, Any]:
    contact = _object(field, raw, ("name", "email", "phone"))
    email = contact.get("email")
    phone = contact.get("phone")
    if not email and not phone:
        raise UsageError("emergency_contact needs an email or a phone (or both)")
    if phone is not None and (not isinstance(phone, str) or not 7 <= len(re.sub(r"\D", "", phone)) <= 15):
        raise UsageError(
            f"emergency_contact phone must be a telephone number (7-15 digits), not {json.dumps(phone)}"
        )
    return {
        "name": optional_name(contact.get("name"), "emergency_contact name"),
        "email": email_address(email, "emergency_contact email") if email else None,
        "phone": " ".join(phone.split()) if phone else None,
    }


def certificate_evidence(field: str, raw: str) -> list[str]:
    value = _list(field, raw)
    if not all(isinstance(v, str) and v.strip() for v in value):
        raise UsageError(
            f"certificate_evidence must list texts (crt.sh links or SHA-256 fingerprints), e.g. {_shape(field).example}"
        )
    return [
        web_url(v, "certificate_evidence") if "://" in v or v.startswith("crt.sh") else v.strip()
        for v in value
    ]


def ipr_agreement(field: str, raw: str) -> dict[str, Any]:
    """The attachment's facts (filename, sha256, size); what was found on it may be given too."""
    agreement = _object(field, raw, tuple(f.name for f in dataclasses.fields(IprAgreement)))
    sha = agreement.get("sha256")
    size = agreement.get("size")
    if not isinstance(sha, str) or not re.fullmatch(r"[0-9a-f]{1,64}", sha.lower()):
        raise UsageError(
            "ipr_agreement sha256 must be the attachment's SHA-256 in hex digits (see `intake-bot show REF`),"
            f" not {json.dumps(sha)}"
        )
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        raise UsageError(f"ipr_agreement size must be the attachment's size in bytes, not {json.dumps(size)}")
    return {
        **agreement,
        "filename": one_line(agreement.get("filename"), "ipr_agreement filename"),
        "sha256": sha.lower(),
        "size": size,
    }


def test_websites(field: str, raw: str) -> dict[str, Any]:
    sites = _object(field, raw, ("valid", "revoked", "expired"))
    return {
        k: web_url(v, f"test_websites {k}") if v else None
        for k, v in ((k, sites.get(k)) for k in ("valid", "revoked", "expired"))
    }


CATEGORY = Shape(" | ".join(Category), "certificate_issuer", category)
TEXT = Shape("text", "'Example Trust Ltd'", lambda f, raw: one_line(raw, f))
WEB_ADDRESS = Shape("a web address", "https://www.example.com", lambda f, raw: web_url(raw, f))
AUDIT_ADDRESS = Shape(
    "a web address", "https://www.cpacanada.ca/webtrustseal?sealid=123", lambda f, raw: web_url(raw, f)
)
REPRESENTATIVES = Shape(
    '[{"name": text|null, "email": address, "voting": true|false}, ...]',
    '\'[{"name": "A B", "email": "a@example.org", "voting": true}]\'',
    representatives,
)
EMERGENCY_CONTACT = Shape(
    '{"name": text|null, "email": address|null, "phone": text|null}',
    '\'{"name": null, "email": "sec@example.org", "phone": "+1 555 0100"}\'',
    emergency_contact,
)
CERTIFICATES = Shape(
    '["crt.sh link or SHA-256 fingerprint", ...]', "'[\"https://crt.sh/?id=123\"]'", certificate_evidence
)
IPR_AGREEMENT = Shape(
    '{"filename": text, "sha256": hex digits, "size": bytes}',
    '\'{"filename": "ipr.pdf", "sha256": "<from show>", "size": 1234}\'',
    ipr_agreement,
)
TEST_WEBSITES = Shape(
    '{"valid": url, "revoked": url, "expired": url}',
    '\'{"valid": "https://valid.example.com", "revoked": "...", "expired": "..."}\'',
    test_websites,
)


def shapes() -> dict[str, Shape]:
    """Field -> its shape, for every item staff may `set`, in the catalogue's order."""
    from .items import stored_items

    return {item.code: item.shape for item in stored_items() if item.shape is not None}


def _shape(field: str) -> Shape:
    return shapes()[field]


def parse_correction(field: str, raw: str) -> Any:
    """The JSON value a correction stores; UsageError naming the shape when RAW is not one."""
    known = shapes()
    if field not in known:
        import difflib

        close = difflib.get_close_matches(field, list(known), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise UsageError(f"unknown field {field!r}{hint} (fields: {', '.join(known)})")
    if not raw.strip():
        raise UsageError(
            f"an empty {field} would hide what the applicant sent; remove a correction with `intake-bot unset REF {field}`"
        )
    return _shape(field).parse(field, raw)


def shapes_help() -> str:
    return "\n".join(f"{field}: {shape.text}\n  e.g. {shape.example}" for field, shape in shapes().items())
