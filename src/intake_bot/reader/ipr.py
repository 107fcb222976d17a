"""The IPR agreement: the attached document sent as the agreement, the best one when several."""

from __future__ import annotations

import re
from datetime import datetime

from .. import evidence
from ..records import Attachment, IprAgreement, ParsedEmail

_IPR_NAME = re.compile(r"ipr|intellectual|agreement|cab\s*f|cabf|signed", re.I)
_IPR_MENTION = re.compile(r"\bipr\b|intellectual property|agreement", re.I)
_IMAGE_TYPES = ("image/jpeg", "image/png", "image/jpg", "image/pjpeg")


def extract_ipr(parsed: ParsedEmail, body: str = "", sent_at: datetime | None = None) -> IprAgreement | None:
    """The document sent as the IPR agreement, with what was found on it; the best one when several.

    A PDF with the Agreement's text is always a candidate; a scan, photo, unreadable PDF or another
    Forum form only when its name (or, for a lone PDF, the message) says it is the agreement."""
    mentioned = bool(_IPR_MENTION.search(body))
    pdfs = [a for a in parsed.attachments if _is_pdf(a)]
    candidates: list[
        tuple[tuple[int, tuple[int, ...], int], int, tuple[int, Attachment], evidence.IprCheck]
    ] = []
    for position, attachment in enumerate(parsed.attachments, start=1):
        is_image = attachment.content_type in _IMAGE_TYPES
        named = bool(_IPR_NAME.search(attachment.filename))
        if named and attachment.filename.lower().endswith(_WORD_PROCESSOR):
            check = evidence.IprCheck("other", problems=(_NOT_PDF,))  # said why, not just "missing"
            candidates.append((_ipr_rank(check), len(candidates), (position, attachment), check))
            continue
        if not _is_pdf(attachment) and not is_image:
            continue
        check = evidence.check_ipr(attachment.payload, attachment.filename, attachment.content_type)
        if check.kind == "ipr_agreement" or named or (mentioned and len(pdfs) == 1 and not is_image):
            if check.kind == "other" and not named:
                continue
            candidates.append((_ipr_rank(check), len(candidates), (position, attachment), check))
    if not candidates:
        return None
    _, _, (position, attachment), check = max(candidates, key=lambda c: (c[0], -c[1]))
    return IprAgreement(
        attachment.filename,
        attachment.sha256,
        attachment.size,
        check.version,
        kind=check.kind,
        signature=check.signature,
        dated=check.dated,
        organization=check.organization,
        problems=check.problems,
        review=check.review,
        sent_at=sent_at.isoformat() if sent_at else None,
        position=position,
        content_type=attachment.content_type,
    )


_WORD_PROCESSOR = (".doc", ".docx", ".odt", ".rtf", ".pages")
_NOT_PDF = "is a word-processor file: the agreement is to be completed, signed and sent as a PDF"


def _is_pdf(attachment: Attachment) -> bool:
    return attachment.content_type == "application/pdf" or attachment.filename.lower().endswith(".pdf")


def _ipr_rank(check: evidence.IprCheck) -> tuple[int, tuple[int, ...], int]:
    """A complete agreement before a scan before a flawed agreement before anything else; of two
    alike, the newer policy version (an outdated one sent beside the current one never counts
    for more), then the dated one."""
    if check.kind == "ipr_agreement":
        return (3 if not check.problems else 1, _version(check.version), int(check.dated))
    return (2, (), 0) if check.kind == "scan" else (0, (), 0)


def _version(version: str | None) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version or "")[:3])
