"""The applicant organisation's name: a labelled value, or a name in a known prose pattern."""

from __future__ import annotations

import re

from ..records import ParsedEmail
from .legalforms import is_organisation_name
from .names import Candidate, Source, choose, extend_name, signature_names
from .prose import Sentence, is_reply
from .statements import Statement, of

COMPANY = re.compile(
    r"\b(?:Ltd|Limited|GmbH|AG|SE|Inc|Corp(?:oration)?|LLC|LLP|plc|PLC|AS|ASA|AB|Oy|Oyj|A/S|ApS|S\.?A|"
    r"S\.?p\.?A|S\.?r\.?l|S\.?L|B\.?V|N\.?V|K\.?K|Pty|Co|Foundation|Institute|Association|Consortium)\b\.?$"
)


_ORG_NAME = r"(?P<org>[A-Z0-9\u00C0-\u017F][\w&.,'’()\-/+ ]{1,90}?)"
_ORG_PROSE: tuple[tuple[Source, re.Pattern[str]], ...] = (
    (
        Source.PROSE,
        re.compile(
            rf"\b[Oo]n\s+behalf\s+of\s+(?:the\s+)?{_ORG_NAME}(?=\s+(?:to|in|for|as|and|which|who|with)\b|\s*\(|[,;:]\s|\.\s|[.,;]?$)"
        ),
    ),
    (
        Source.PROSE,
        re.compile(
            rf"^{_ORG_NAME}\s+(?:(?:is|are)\s+(?:a|an|the)\s+[^.]{{0,60}}?\b(?:CA|TSP|(?i:company|provider|vendor|"
            rf"developer|maker|authority|organi[sz]ation|firm|institute|foundation|association|publisher|producer|"
            rf"operator|consultancy|registrar))\b|(?:makes|develops|produces|operates|builds|publishes|maintains|provides)\b)"
        ),
    ),
    (
        Source.PROSE,
        re.compile(
            rf"^(?:(?:Hi|Hello|Dear)[^,]*,\s*)?{_ORG_NAME}(?:\s*\([^()]{{1,120}}\))?\s+(?:would like|wishes|hereby|"
            rf"is applying|is pleased|intends|"
            rf"requests|wants|would hereby|is writing|kindly requests|seeks|applies)\b"
        ),
    ),
    (
        Source.PROSE,
        re.compile(
            rf"\b(?:I|We)\s+(?:work\s+for|represent|am\s+with|are\s+with|am\s+from|are\s+from)\s+{_ORG_NAME}(?=[,;.(]|\s+(?:and|to|in)\b|$)"
        ),
    ),
    (
        Source.PROSE,
        re.compile(
            rf"\bour\s+(?:company|organi[sz]ation|firm|institute)(?:'s name is|\s+name\s+is|\s+is|,)\s+{_ORG_NAME}(?=[,;(]|\.\s|\.?$|\s+(?:and|to|in)\b)"
        ),
    ),
    (  # "I'm Jane Doe, CTO of Acme Ltd (...)": a job title names the employer
        Source.TITLE,
        re.compile(
            rf"\b(?:CEO|CTO|CISO|CIO|COO|CSO|Chief\s+[A-Z]\w+\s+Officer|President|Founder|Director|Head|Manager|"
            rf"Officer|Lead|Engineer)\b[\w ]{{0,40}}?\s+(?:of|at)\s+{_ORG_NAME}"
            rf"(?=\s*\(|[,;]\s|\.\s|[.,;]?$|\s+(?:and|to|in|which|who|we)\b)"
        ),
    ),
    (  # "we (Acme Ltd, https://acme.example) apply ...", "We, Acme Ltd, would like ..."
        Source.PROSE,
        re.compile(rf"\b[Ww]e\s*[(,]\s*(?:the\s+)?{_ORG_NAME}(?=\s*[,)])"),
    ),
    (
        Source.PROSE,
        re.compile(
            rf"\b(?:[Mm]embership\s+)?[Aa]pplication\s+(?:of|from)\s+{_ORG_NAME}(?=\s+(?:to|for|in)\b|\s*[-–|(:]|$)"
        ),
    ),
)
_NOT_ORG = re.compile(
    r"working group|forum|\bwg\b|^(?:the|our|my|a|an|we|i|this|it|there|here|he|she|they|which|what)\b|s/mime",
    re.I,
)
_SUBJECT_PARTS = re.compile(r"\s+[-–—|:]\s+|:\s+|\s*[\[\]()]\s*")


def extract_organization(
    statements: list[Statement],
    sentences: list[Sentence],
    parsed: ParsedEmail,
    text: str = "",
    ipr_organization: str | None = None,
) -> str | None:
    """The best-supported of the names every source gives (reader.names). text: the message's own
    text with its signature, for the lines carrying a legal form. In a reply, the signature and the
    subject only support a name the message states; the IPR agreement never names alone."""
    candidates = [
        Candidate(name, Source.LABEL, s.pos)
        for s in of(statements, "organization")
        if (name := organization_in_value(s.value))
    ]
    for sentence in sentences:
        candidates += [Candidate(name, source, sentence.pos) for source, name in _prose_names(sentence.text)]
    candidates += [Candidate(name, Source.SIGNATURE, pos) for pos, name in signature_names(text)]
    if ipr_organization:
        candidates.append(Candidate(ipr_organization, Source.IPR, -1))
    reply = is_reply(parsed)
    if not reply:
        candidates += [Candidate(name, Source.SUBJECT, -1) for name in subject_names(parsed.subject)]
    stating = {Source.LABEL, Source.PROSE, Source.TITLE} | (set() if reply else {Source.SUBJECT})
    return choose(candidates, parsed.from_address.rpartition("@")[2], stating=stating)


def subject_names(subject: str) -> list[str]:
    """'Interested Party application - Society for Secure Mail': a part of the subject that is an
    organisation's name (a legal form or an organisation word), or one the prose patterns find."""
    names = [name for _, name in _prose_names(subject)]
    names += [part.strip() for part in _SUBJECT_PARTS.split(subject) if is_organisation_name(part.strip())]
    return names


def organization_in_value(value: str) -> str | None:
    line = next((ln.strip() for ln in value.split("\n") if ln.strip()), "")
    line = re.split(r"\s+(?:https?://|www\.)|\s+[-–|]\s+(?:https?://|www\.)|\s*<", line)[0]
    line = line.strip(" \t\"'“”‘’*,;:")
    if not line or len(line) > 120 or "@" in line or re.fullmatch(r"(?:n/?a|tbd|-+|none|see .*)", line, re.I):
        return None
    return line


def organization_in_prose(text: str) -> str | None:
    """The first name a prose pattern finds (the web-site reader looks for a URL beside it)."""
    return next((name for _, name in _prose_names(text)), None)


def _prose_names(text: str) -> list[tuple[Source, str]]:
    found = []
    for source, pattern in _ORG_PROSE:
        match = pattern.search(text)
        if match:
            name = text[match.start("org") : extend_name(text, match.end("org"))].strip(" ,;:-")
            if name and not _NOT_ORG.search(name) and len(name.split()) <= 12:
                found.append((source, name))
    return found
