"""Pure: which items an application still lacks, by a requirement profile per working group.

A profile is data (items.py): for each category, the item codes it requires. `None` is the profile
used while the category is unknown (the items required of everyone).

Only evidence that qualifies counts. Extraction records what a document or certificate is;
whether it qualifies depends on the working group, the rules and the date, and is decided here:
an outdated, unsigned or undated IPR agreement, or a certificate of the wrong kind, leaves its
item missing, with the reason in `Assessment.problems`. What needs a person but does not make
an item missing (a scan, a parent company's name, a dead audit link) is in `Assessment.review`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from . import evidence
from .cleantext import describe_attachment
from .config import EvidenceRules
from .fields import Fields
from .items import TEST_SITE_STATES, ItemCode, Profile, item, required
from .records import Assessment
from .times import as_utc

DEFAULT_RULES = EvidenceRules()

# The kind of end-entity certificate each working group's issuers show.
CERTIFICATE_PURPOSE = {"SMCWG": "smime", "CSCWG": "code_signing", "SCWG": "tls"}
UNCHECKED_SOURCES = ("crt.sh", "fingerprint")  # references that cannot be checked offline


def assess(
    fields: Fields,
    working_group: str = "SMCWG",
    profiles: Mapping[str, Profile] | None = None,
    *,
    rules: EvidenceRules = DEFAULT_RULES,
    received_at: datetime | None = None,
) -> Assessment:
    """profiles: the working groups' requirements, else those of `rules` (the configured ones).
    received_at: when the application was received. The IPR cut-over applies when it, or the
    message that carried the agreement, is on or after the cut-over date."""
    known = rules.profiles if profiles is None else profiles
    profile = known.get(working_group) or known["SMCWG"]
    judged: dict[str, dict[str, Any]] = {  # the items whose evidence must qualify, not merely there
        ItemCode.IPR_AGREEMENT: ipr_status(fields, rules, received_at),
        ItemCode.CERTIFICATE_EVIDENCE: certificate_status(fields, working_group, received_at),
        ItemCode.TEST_WEBSITES: test_site_status(fields),
    }
    missing, problems = [], {}
    for code in required(profile, fields.get("category")):
        if code in judged:
            ok, why = judged[code]["qualifies"], judged[code]["problems"]
        else:
            ok, why = item(code).given(fields), []
        if not ok:
            missing.append(str(code))
            if why:
                problems[str(code)] = tuple(why)
    review = [*judged[ItemCode.IPR_AGREEMENT]["review"], *audit_status(fields)["review"]]
    return Assessment(missing=tuple(missing), problems=problems, review=tuple(review))


# ---------------------------------------------------------------- IPR agreement


def ipr_status(
    fields: Fields, rules: EvidenceRules = DEFAULT_RULES, received_at: datetime | None = None
) -> dict[str, Any]:
    """{qualifies, problems, review} of the IPR agreement on file."""
    ipr = fields.get("ipr_agreement")
    if not ipr:
        return {"qualifies": False, "problems": [], "review": []}
    if "kind" not in ipr:  # entered by staff (or recorded before these checks): trusted
        return {"qualifies": True, "problems": [], "review": []}
    kind = ipr.get("kind")
    name = ipr.get("filename") or "the file"  # for staff's review lines only: a reply never names a file
    where = describe_attachment(ipr.get("position"), ipr.get("content_type"))
    subject = (
        f"your IPR agreement ({where})" if kind in ("ipr_agreement", "scan") else _sentence_subject(where)
    )
    found = list(ipr.get("problems") or [])
    review = [f"IPR agreement {name}: {note}" for note in ipr.get("review") or []]
    if kind == "ipr_agreement":
        if rules.require_ipr_date and not ipr.get("dated") and not found:
            found.append("is not dated (the “Date:” line is empty)")
        found += _version_problems(
            ipr.get("version"), rules, _later(received_at, _parse_time(ipr.get("sent_at")))
        )
        if not ipr.get("version"):
            review.append(f"IPR agreement {name}: no policy version found on it; a person should check it")
        other = _organisation_differs(ipr.get("organization"), fields.get("organization_name"))
        if other:
            review.append(
                f"IPR agreement {name} names “{ipr['organization']}”, the application "
                f"“{fields.get('organization_name')}”: check that it binds the applicant (a parent company?)"
            )
    problems = [f"{subject} {problem}" for problem in found]
    return {"qualifies": not problems, "problems": problems, "review": review}


def _version_problems(version: str | None, rules: EvidenceRules, when: datetime | None) -> list[str]:
    if not version:
        return []
    after = when is not None and as_utc(when).date() >= rules.ipr_cutover
    accepted = rules.ipr_current_versions if after else rules.ipr_previous_versions
    if version in accepted:
        return []
    wanted = " or ".join(accepted)
    if after:
        day = f"{rules.ipr_cutover.day} {rules.ipr_cutover:%B %Y}"
        return [f"is version {version}; since {day} version {wanted} is required"]
    return [f"is version {version}; version {wanted} is required"]


_LEGAL_FORMS = re.compile(
    r"\b(?:ltd|limited|inc|incorporated|llc|llp|lp|plc|gmbh|ag|sa|sas|sarl|srl|s r o|spa|bv|nv|oy|ab|as|aps|"
    r"kk|pty|pte|co|corp|corporation|company|group|holdings?|the)\b"
)


def _organisation_name_key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(_LEGAL_FORMS.sub(" ", text).split())


def _organisation_differs(on_agreement: str | None, applicant: str | None) -> bool:
    if not on_agreement or not applicant:
        return False
    a, b = _organisation_name_key(on_agreement), _organisation_name_key(applicant)
    if not a or not b or a in b or b in a:
        return False
    return difflib.SequenceMatcher(None, a, b).ratio() < 0.85


# ---------------------------------------------------------------- certificates


def certificate_status(
    fields: Fields, working_group: str = "SMCWG", received_at: datetime | None = None
) -> dict[str, Any]:
    """{qualifies, problems, findings}: each reference judged for the working group's kind of certificate."""
    findings = certificate_findings(fields, working_group, received_at)
    qualifies = any(f["qualifies"] for f in findings)
    problems = [] if qualifies else [p for f in findings for p in f["problems"]]
    return {"qualifies": qualifies, "problems": problems, "findings": findings, "review": []}


def certificate_findings(
    fields: Fields, working_group: str = "SMCWG", received_at: datetime | None = None
) -> list[dict[str, Any]]:
    """One entry per reference in certificate_evidence: what it is, whether it qualifies, and why not."""
    purpose = CERTIFICATE_PURPOSE.get(working_group, "smime")
    details = {f.get("reference"): f for f in fields.get("certificate_findings") or []}
    return [
        _judge(ref, details.get(ref), purpose, received_at)
        for ref in fields.get("certificate_evidence") or []
    ]


def _judge(
    reference: str, finding: dict[str, Any] | None, purpose: str, received_at: datetime | None
) -> dict[str, Any]:
    if finding is None or finding.get("source") in UNCHECKED_SOURCES:
        return {
            "reference": reference,
            "source": (finding or {}).get("source", "stated"),
            "checked": False,
            "qualifies": True,
            "serial": (finding or {}).get("serial"),
            "problems": [],
            "certificates": [],
        }
    label = _reference_label(reference, finding)
    at = _parse_time(finding.get("checked_at")) or received_at
    certificates = []
    for cert in finding.get("certificates") or []:
        why = evidence.certificate_problems(cert, purpose, at)
        certificates.append({**cert, "qualifies": not why, "problems": why})
    problems = [f"{_sentence_subject(label)} {p}" for p in finding.get("problems") or []]
    if not any(c["qualifies"] for c in certificates):
        for number, cert in enumerate(certificates, start=1):
            which = _cert_label(number if len(certificates) > 1 else 0, label)
            problems.append(f"{which} " + "; ".join(cert["problems"]))
    qualifies = not finding.get("problems") and any(c["qualifies"] for c in certificates)
    return {
        "reference": reference,
        "source": finding.get("source"),
        "checked": True,
        "qualifies": qualifies,
        "serial": finding.get("serial"),
        "problems": [] if qualifies else problems,
        "certificates": certificates,
    }


def _reference_label(reference: str, finding: dict[str, Any]) -> str:
    """How a reply names where a certificate came from: never by the file name the sender chose."""
    kind = reference.partition(":")[0]
    if kind == "signature":
        return "the certificate that signed your e-mail"
    if kind == "pem":
        return "the certificate pasted into your e-mail"
    if kind == "attachment":
        return describe_attachment(finding.get("position"), "application/pkix-cert")
    return reference  # a crt.sh link, rebuilt from its number or hash by evidence.normalise_crtsh


def _cert_label(number: int, where: str) -> str:
    """'the certificate in the second attachment, a certificate file,' (number 0: the only one);
    never a subject CN or e-mail address, which whoever made the certificate chose."""
    if where.startswith("the certificate"):
        return where if not number else f"certificate number {number} of {where}"
    which = f"certificate number {number}" if number else "the certificate"
    return _sentence_subject(f"{which} in {where}")


def _sentence_subject(words: str) -> str:
    """'the second attachment, a PDF' as the subject of a sentence takes a closing comma."""
    return f"{words}," if "," in words else words


# ---------------------------------------------------------------- audit report and test sites


def audit_status(fields: Fields) -> dict[str, Any]:
    url = fields.get("audit_report_url")
    if not url:
        return {"url": None, "kind": None, "note": None, "review": []}
    found = evidence.classify_audit_url(url)
    return {
        "url": url,
        "kind": found.kind,
        "note": found.note,
        "review": [f"audit report: {found.note}"] if found.kind == "webtrust_legacy" else [],
    }


def test_site_status(fields: Fields) -> dict[str, Any]:
    """{qualifies, problems}: all three test sites given; which are still missing when some are."""
    sites = fields.get("test_websites") or {}
    absent = [state for state in TEST_SITE_STATES if not sites.get(state)]
    if not absent or len(absent) == len(TEST_SITE_STATES):
        return {"qualifies": not absent, "problems": []}
    wanted = " and ".join(f"{'an' if s == 'expired' else 'a'} {s} certificate" for s in absent)
    return {"qualifies": False, "problems": [f"the test web site with {wanted} is still missing"]}


def _later(*times: datetime | None) -> datetime | None:
    """The cut-over applies to an application received, or an agreement sent, on or after it."""
    known = [as_utc(t) for t in times if t is not None]
    return max(known) if known else None


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return as_utc(datetime.fromisoformat(value))
    except ValueError:
        return None
