"""The applicant organisation's name: a labelled value, or a name in a known prose pattern."""

from __future__ import annotations

import re

from ..records import ParsedEmail
from .prose import Sentence, is_reply
from .statements import Statement, latest, of

COMPANY = re.compile(
    r"\b(?:Ltd|Limited|GmbH|AG|SE|Inc|Corp(?:oration)?|LLC|LLP|plc|PLC|AS|ASA|AB|Oy|Oyj|A/S|ApS|S\.?A|"
    r"S\.?p\.?A|S\.?r\.?l|S\.?L|B\.?V|N\.?V|K\.?K|Pty|Co|Foundation|Institute|Association|Consortium)\b\.?$"
)


_ORG_NAME = r"(?P<org>[A-Z0-9\u00C0-\u017F][\w&.,'’()\-/+ ]{1,90}?)"
_ORG_PROSE = (
    re.compile(
        rf"\b[Oo]n\s+behalf\s+of\s+(?:the\s+)?{_ORG_NAME}(?=\s+(?:to|in|for|as|and|which|who|with)\b|\s*\(|[,;:]\s|\.\s|[.,;]?$)"
    ),
    re.compile(
        rf"^{_ORG_NAME}\s+(?:(?:is|are)\s+(?:a|an|the)\s+[^.]{{0,60}}?\b(?:CA|TSP|(?i:company|provider|vendor|"
        rf"developer|maker|authority|organi[sz]ation|firm|institute|foundation|association|publisher|producer|"
        rf"operator|consultancy|registrar))\b|(?:makes|develops|produces|operates|builds|publishes|maintains|provides)\b)"
    ),
    re.compile(
        rf"^(?:(?:Hi|Hello|Dear)[^,]*,\s*)?{_ORG_NAME}(?:\s*\([^()]{{1,120}}\))?\s+(?:would like|wishes|hereby|"
        rf"is applying|is pleased|intends|"
        rf"requests|wants|would hereby|is writing|kindly requests|seeks|applies)\b"
    ),
    re.compile(
        rf"\b(?:I|We)\s+(?:work\s+for|represent|am\s+with|are\s+with|am\s+from|are\s+from)\s+{_ORG_NAME}(?=[,;.(]|\s+(?:and|to|in)\b|$)"
    ),
    re.compile(
        rf"\bour\s+(?:company|organi[sz]ation|firm|institute)(?:'s name is|\s+name\s+is|\s+is|,)\s+{_ORG_NAME}(?=[,;(]|\.\s|\.?$|\s+(?:and|to|in)\b)"
    ),
    re.compile(  # "I'm Jane Doe, CTO of Acme Ltd (...)": a job title names the employer
        rf"\b(?:CEO|CTO|CISO|CIO|COO|CSO|Chief\s+[A-Z]\w+\s+Officer|President|Founder|Director|Head|Manager|"
        rf"Officer|Lead|Engineer)\b[\w ]{{0,40}}?\s+(?:of|at)\s+{_ORG_NAME}"
        rf"(?=\s*\(|[,;]\s|\.\s|[.,;]?$|\s+(?:and|to|in|which|who|we)\b)"
    ),
    re.compile(  # "we (Acme Ltd, https://acme.example) apply ...", "We, Acme Ltd, would like ..."
        rf"\b[Ww]e\s*[(,]\s*(?:the\s+)?{_ORG_NAME}(?=\s*[,)])"
    ),
    re.compile(
        rf"\b(?:[Mm]embership\s+)?[Aa]pplication\s+(?:of|from)\s+{_ORG_NAME}(?=\s+(?:to|for|in)\b|\s*[-–|(:]|$)"
    ),
)
_NOT_ORG = re.compile(
    r"working group|forum|\bwg\b|^(?:the|our|my|a|an|we|i|this|it|there|here|he|she|they|which|what)\b|s/mime",
    re.I,
)


def extract_organization(
    statements: list[Statement], sentences: list[Sentence], parsed: ParsedEmail
) -> str | None:
    candidates: list[tuple[int, object]] = [
        (s.pos, organization_in_value(s.value)) for s in of(statements, "organization")
    ]
    candidates += [(s.pos, organization_in_prose(s.text)) for s in sentences]
    found = latest(candidates)
    if found or is_reply(parsed):
        return found
    return organization_in_prose(parsed.subject)


def organization_in_value(value: str) -> str | None:
    line = next((ln.strip() for ln in value.split("\n") if ln.strip()), "")
    line = re.split(r"\s+(?:https?://|www\.)|\s+[-–|]\s+(?:https?://|www\.)|\s*<", line)[0]
    line = line.strip(" \t\"'“”‘’*,;:")
    if not line or len(line) > 120 or "@" in line or re.fullmatch(r"(?:n/?a|tbd|-+|none|see .*)", line, re.I):
        return None
    return line


def organization_in_prose(text: str) -> str | None:
    for pattern in _ORG_PROSE:
        match = pattern.search(text)
        if match:
            name = match.group("org").strip(" ,;:-")
            if name and not _NOT_ORG.search(name) and len(name.split()) <= 10:
                return name
    return None
