"""Pure: what one message states about an application (ParsedEmail -> Extraction).

The body is first reduced to the new text of this message (quoted text, reply headers,
signature and disclaimers removed). It is then read two ways: "Label: value" statements
(also numbered lists, table rows and multi-line values) and free prose sentences. Every
statement carries its position; for single-valued fields the later statement wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

from . import evidence
from .body import evidence_free, strip_quoted, strip_signature, tidy
from .records import (
    Attachment,
    Category,
    CertificateFinding,
    EmergencyContact,
    Extraction,
    IprAgreement,
    IssuerTestSites,
    ParsedEmail,
    Representative,
)


@dataclass(frozen=True)
class Statement:
    """One "label: value" item of the body (value may span lines)."""

    pos: int
    field: str | None  # a field name, "sub" (name/email/phone...), "other" (unknown label) or None
    label: str
    value: str
    number: int | None = None


# ---------------------------------------------------------------- entry point


def extract(parsed: ParsedEmail, *, received_at: datetime | None = None) -> Extraction:
    """What this message states; None/empty for everything it does not.

    received_at (else the Date header) is the time certificates are judged valid at."""
    unquoted = strip_quoted(answers_labelled(parsed.text))
    pem_ders = evidence.pem_certificates(unquoted)
    body = tidy(strip_signature(evidence_free(unquoted), parsed.from_name))
    statements = label_statements(body)
    sentences = prose_sentences(body, statements)
    references, findings = certificate_evidence(
        statements, sentences, body, pem_ders, parsed, received_at or parsed.date
    )
    representatives = _named_by_sender(extract_representatives(statements, sentences), parsed)
    return Extraction(
        category=extract_category(statements, sentences, parsed),
        organization_name=extract_organization(statements, sentences, parsed),
        website_url=extract_website(statements, sentences),
        representatives=representatives,
        emergency_contact=extract_emergency(statements, sentences)
        or emergency_by_reference(statements, sentences, representatives),
        audit_report_url=extract_audit(statements, sentences, body),
        certificate_evidence=references,
        ipr_agreement=extract_ipr(parsed, body, received_at or parsed.date),
        working_group=extract_working_group(body, parsed.subject),
        certificate_findings=findings,
        test_websites=extract_test_websites(statements, body),
        voting_name=voter_named(
            [s.value for s in _of(statements, "representatives")] + [s.text for s in sentences],
            representatives,
        ),
    )


# ---------------------------------------------------------------- answers between quoted questions

_QUOTED_ITEM = re.compile(r"^\s*>[>\s]*\d{1,2}[.)]\s*(?P<label>[^:>]{2,60}?)\s*:")  # our replies number them


def answers_labelled(text: str) -> str:
    """Answers written under the quoted items of our reply ('> 2. Emergency contact: ...' then
    'soc@x, +44 ...') take the item's label, which the quote's removal would otherwise take away.
    The quoted line lends only its label: quoted text is never data. Greetings take nothing."""
    lines = text.replace("\r\n", "\n").split("\n")
    label = None
    for index, line in enumerate(lines):
        if line.lstrip().startswith(">"):
            found = _QUOTED_ITEM.match(line)
            if found:
                label = found.group("label").strip() if classify_label(found.group("label")) else None
            elif not line.strip(" \t>"):
                label = None  # a blank quoted line ends the item; other quoted lines are its wrapped text
        elif line.strip() and label:
            answer = line.strip()
            if not _split_label(answer) and not re.match(
                r"(?:hi|hello|dear|thanks|thank you)\b", answer, re.I
            ):
                lines[index] = f"{label}: {line.strip()}"
            label = None
    return "\n".join(lines)


# ---------------------------------------------------------------- label statements

_ITEM = re.compile(
    r"^(?P<indent>\s*)(?:(?:\(?(?P<num>\d{1,2})\s*[.):\]]|[a-g]\))\s+|[-*•·◦▪●‣–]\s+)?(?P<rest>.*\S)?\s*$"
)
_COLON_SPLIT = re.compile(r"^(?P<label>[^:\t]{1,110}?)\s*[:：]\s*(?P<value>.*)$")
_SPACE_SPLIT = re.compile(r"^(?P<label>[^\t]{1,60}?)(?:\t+|\s{2,}|\s+\|\s+|\s+[–—-]\s+)\s*(?P<value>.*)$")

_LABELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "testsites",
        re.compile(
            r"test\s*-?\s*(?:web\s*-?)?(?:sites?|pages?|urls?|domains?)|^(?:valid|revoked|expired)"
            r"(?:\s+(?:test\s+)?(?:web\s*)?(?:sites?|pages?|urls?|certificates?))?$",
            re.I,
        ),
    ),
    ("ipr", re.compile(r"\bipr\b|intellectual property|agreement", re.I)),
    ("audit", re.compile(r"audit|webtrust|web trust|\betsi\b|attestation|\bseal\b|conformity|\baal\b", re.I)),
    (
        "certificates",
        re.compile(
            r"certificate\s*(?:s|example|sample|evidence|link|reference)|example|sample|crt\.?sh|evidence|"
            r"end[- ]entity|issued cert|test cert|^certs?$|^certificates?$",
            re.I,
        ),
    ),
    (
        "emergency",
        re.compile(
            r"emergenc|incident|security (?:contact|issue|team)|24\s*[x/*]\s*7|on-?call|urgent|"
            r"abuse|problem report|notfall|urgence",
            re.I,
        ),
    ),
    (
        "organization",
        re.compile(
            r"^(?!.*(?:representative|contact|voting|e-?mail|phone|web|url))(?:.*organi[sz]ation|.*company|"
            r".*legal (?:entity|name)|.*member name|.*entity|(?:full )?(?:legal )?name of (?:the )?(?:organi|"
            r"company|applicant|member|entity)|applicant(?: organi[sz]ation| name)?$|corporate name|firm|"
            r".*institution|affiliation|employer|business name|organisme|firma|société|unternehmen)",
            re.I,
        ),
    ),
    (
        "representatives",
        re.compile(
            r"representative|delegate|\breps?\b|primary contact|contact person|point of contact|"
            r"participants?$|attendee|liaison|\bvoting\b|^(?:main |business |technical )?contacts?"
            r"(?: persons?| details| information)?$|vertreter|représentant",
            re.I,
        ),
    ),
    (
        "website",
        re.compile(r"web\s?-?site|homepage|home page|\burl\b|web address|^web$|^www$|domain|webseite", re.I),
    ),
    (
        "category",
        re.compile(
            r"categor|applying as|apply as|joining as|member(?:ship)?\s*(?:type|class|level)|type of member|"
            r"^membership$|applicant type|^role$|capacity|^type$|kategorie|catégorie",
            re.I,
        ),
    ),
    ("wg", re.compile(r"working group|^wg$", re.I)),
    (
        "sub",
        re.compile(
            r"^(?:full |first |last )?name$|e-?mail|^mail$|phone|^tel|mobile|^cell|^fax|^title$|^role$|"
            r"position|^job|address|number|^other|alternate|additional|^second|^primary|secondary|"
            r"non-?voting|backup|deputy|^contact$|^m$|^t$|^e$|^p$",
            re.I,
        ),
    ),
)


def classify_label(label: str) -> str | None:
    """The field a label names ('sub' for name/e-mail/phone parts), None when it names nothing known."""
    label = re.sub(r"[*_#]+|\(.*?\)", " ", label).strip().lower()
    label = re.sub(r"\s+", " ", label)
    if not label or len(label.split()) > 14:
        return None
    for field, pattern in _LABELS:
        if pattern.search(label):
            return field
    return None


def _split_label(rest: str) -> tuple[str, str, str | None] | None:
    """(label, value, field) for a labelled line, else None."""
    match = _COLON_SPLIT.match(rest)
    if match and not re.search(r"(?:https?|mailto|ftp)$|@|://|[.!?]\s", match.group("label"), re.I):
        label = match.group("label")
        field = classify_label(label)
        if field or len(label.split()) <= 4:
            return label, match.group("value").strip(), field or "other"
    match = _SPACE_SPLIT.match(rest)
    if match:
        field = classify_label(match.group("label"))
        if field and field != "sub" or field == "sub" and "@" in match.group("value"):
            return match.group("label"), match.group("value").strip(), field
    field = classify_label(rest.rstrip(":"))
    alone = (
        rest.endswith(":")
        or len(rest.split()) <= 4
        and not re.search(r"[.!?,;]$|\b(?:is|are|will|be)\b", rest)
    )
    if field and alone and not re.search(r"[@/]|\d{3}", rest):
        return rest.rstrip(":"), "", field  # a label alone on its line; values follow
    return None


def label_statements(body: str) -> list[Statement]:
    """Every labelled item of the body, with continuation lines folded into its value."""
    statements: list[Statement] = []
    current: dict | None = None
    pos = 0
    for line in body.split("\n"):
        current = _fold_line(_table_row(line), pos, current, statements)
        pos += len(line) + 1
    _close(current, statements)
    return _apply_positions(statements)


def _table_row(line: str) -> str:
    """'| Organisation | Acme Ltd |' (a Markdown or plain-text table row) -> 'Organisation | Acme Ltd'."""
    stripped = line.strip()
    if len(stripped) > 2 and stripped[0] == "|" and stripped[-1] == "|":
        return stripped[1:-1].strip()
    return line


def _fold_line(line: str, pos: int, current: dict | None, out: list[Statement]) -> dict | None:
    item = _ITEM.match(line)
    rest = (item.group("rest") or "") if item else ""
    if not rest:
        if current and not current["value"].strip() and not current["more"]:
            return current  # blank lines between a label and its values
        _close(current, out)
        return None
    number = int(item.group("num")) if item and item.group("num") else None
    bulleted = bool(item and (item.group("indent") or line.lstrip()[:1] in "-*•·◦▪●‣–"))
    split = _split_label(rest)
    if split and split[2] != "sub" or split and number is not None:
        _close(current, out)
        label, value, field = split
        return {"pos": pos, "field": field, "label": label, "value": value, "more": [], "number": number}
    if current and current["field"] not in ("other", None) and (split or _continues(current, rest, bulleted)):
        current["more"].append(rest)
        return current
    _close(current, out)
    if number is not None:
        return {"pos": pos, "field": None, "label": "", "value": rest, "more": [], "number": number}
    return None


def _continues(current: dict, rest: str, bulleted: bool) -> bool:
    if bulleted or not current["value"].strip():
        return True
    multi = current["field"] in ("representatives", "certificates", "emergency")
    return multi and bool(re.search(r"@|https?://|crt\.sh|\+?\d[\d ()-]{6,}", rest)) and len(rest) < 160


def _close(current: dict | None, out: list[Statement]) -> None:
    if current:
        value = "\n".join([current["value"], *current["more"]]).strip()
        out.append(Statement(current["pos"], current["field"], current["label"], value, current["number"]))


_POSITIONAL = {
    1: "category",
    2: "organization",
    3: "website",
    4: "ipr",
    5: "representatives",
    6: "emergency",
    7: "audit+certificates",
}


def _apply_positions(statements: list[Statement]) -> list[Statement]:
    """A numbered list mirroring the web page's seven items: unlabelled items take their item's field."""
    numbers = {s.number for s in statements if s.number}
    if len(numbers & set(range(1, 8))) < 4 or not {1, 2, 3} <= numbers:
        return statements
    out = []
    for s in statements:
        if s.number in _POSITIONAL and s.field in (None, "other", "sub"):
            value = s.value if s.field is None else f"{s.label}: {s.value}"
            field = (_field_by_content(value) if s.field is None else None) or _POSITIONAL[s.number]
            s = replace(s, field=field, value=value)
        out.append(s)
    return out


def _field_by_content(value: str) -> str | None:
    """What an unlabelled answer plainly is, whatever its place in the list (applicants reorder them):
    a category, links to certificates or an audit, addresses, a lone web address. None: undecided."""
    urls = urls_in(value)
    certs = bool(re.search(r"crt\.sh", value, re.I)) or bool(fingerprints_in(value))
    audit = any(_looks_like_audit(u) for u in urls)
    if certs or audit:
        return "audit+certificates" if certs and audit else "certificates" if certs else "audit"
    addresses = emails_in(value)
    if addresses:
        emergency = _EMERGENCY_PROSE.search(value) or re.match(
            r"(?:security|soc|incident|pki|abuse|cert)\b", value, re.I
        )
        return "emergency" if emergency or (len(addresses) == 1 and phone_in(value)) else "representatives"
    if len(value) <= 80 and category_in_value(value) and not urls:
        return "category"
    if len(urls) == 1 and len(value) <= len(urls[0]) + 10:
        return "website"
    if not urls and len(value.split()) <= 10 and _COMPANY.search(value):
        return "organization"
    return None


_COMPANY = re.compile(
    r"\b(?:Ltd|Limited|GmbH|AG|SE|Inc|Corp(?:oration)?|LLC|LLP|plc|PLC|AS|ASA|AB|Oy|Oyj|A/S|ApS|S\.?A|"
    r"S\.?p\.?A|S\.?r\.?l|S\.?L|B\.?V|N\.?V|K\.?K|Pty|Co|Foundation|Institute|Association|Consortium)\b\.?$"
)


def _of(statements: list[Statement], *fields: str) -> list[Statement]:
    wanted = set(fields)
    if wanted & {"audit", "certificates"}:
        wanted.add("audit+certificates")
    return [s for s in statements if s.field in wanted]


# ---------------------------------------------------------------- prose


@dataclass(frozen=True)
class Sentence:
    pos: int
    text: str


def prose_sentences(body: str, statements: list[Statement]) -> list[Sentence]:
    """Sentences of the text that is not a labelled field statement."""
    taken = _taken_lines(body, statements)
    sentences: list[Sentence] = []
    for pos, paragraph in _paragraphs(body, taken):
        for offset, text in _split_sentences(paragraph):
            sentences.append(Sentence(pos + offset, text))
    return sentences


def _taken_lines(body: str, statements: list[Statement]) -> set[int]:
    taken: set[int] = set()
    for s in statements:
        if s.field in (None, "other", "sub"):
            continue
        line_start = body.count("\n", 0, s.pos)
        taken.update(range(line_start, line_start + 1 + s.value.count("\n")))
    return taken


def _paragraphs(body: str, taken: set[int]) -> list[tuple[int, str]]:
    paragraphs: list[tuple[int, str]] = []
    lines: list[str] = []
    start = pos = 0
    for index, line in enumerate(body.split("\n")):
        if not line.strip() or index in taken:
            if lines:
                paragraphs.append((start, " ".join(lines)))
            lines = []
        else:
            if not lines:
                start = pos
            lines.append(line.strip())
        pos += len(line) + 1
    if lines:
        paragraphs.append((start, " ".join(lines)))
    return paragraphs


def _split_sentences(paragraph: str) -> list[tuple[int, str]]:
    out = []
    start = 0
    for match in re.finditer(r"(?<=[.!?])\s+(?=[A-Z\u00C0-\u017F\"'(])", paragraph):
        out.append((start, paragraph[start : match.start()]))
        start = match.end()
    out.append((start, paragraph[start:]))
    return [(offset, text) for offset, text in out if text.strip()]


def _latest(candidates: list[tuple[int, object]]):
    found = [(pos, value) for pos, value in candidates if value]
    return max(found, key=lambda item: item[0])[1] if found else None


# ---------------------------------------------------------------- category

_STRONG = (
    (re.compile(r"certificate\s+issuers?", re.I), Category.CERTIFICATE_ISSUER),
    (re.compile(r"certificate\s+consumers?", re.I), Category.CERTIFICATE_CONSUMER),
    (re.compile(r"interested[\s-]+part(?:y|ies)", re.I), Category.INTERESTED_PARTY),
    (re.compile(r"associate(?:d)?\s+member(?:ship)?", re.I), Category.ASSOCIATE_MEMBER),
)
_WEAK = (
    (
        re.compile(
            r"certificat(?:e|ion)\s+authorit(?:y|ies)|\bCAs?\b|issuing\s+CA|trust\s+service\s+provider|"
            r"\bQ?TSP\b|(?:certificate|S/MIME)\s+(?:issuer|provider)|\bissuer\b",
        ),
        Category.CERTIFICATE_ISSUER,
    ),
    (
        re.compile(
            r"browser|(?:e-?mail|mail)\s+(?:client|user agent|software|application|service|provider)|\bMUA\b|"
            r"software\s+(?:vendor|supplier)|consumer\b",
            re.I,
        ),
        Category.CERTIFICATE_CONSUMER,
    ),
    (re.compile(r"\binterested\b", re.I), Category.INTERESTED_PARTY),
    (re.compile(r"\bassociate\b", re.I), Category.ASSOCIATE_MEMBER),
)
_NEGATED = re.compile(
    r"(?:\bnot\s+(?:as\s+)?(?:an?\s+)?|\binstead\s+of\s+(?:an?\s+)?|\brather\s+than\s+(?:an?\s+)?|\bfrom\s+(?:an?\s+)?|"
    r"\bby\s+(?:an?\s+|the\s+)?|\bno\s+longer\s+(?:an?\s+)?)$",
    re.I,
)
_CONTEXT_BEFORE = re.compile(
    r"\bas\b|categor|\bapply|applying|application|\bjoin|\bwe\s+are\b|\bI\s+am\b|\bam\s+an?\b|membership|"
    r"\bbecome\b|\bparticipat|\bchange\b|\bswitch|\bupdate|\bwould like\b",
    re.I,
)
_UNDECIDED = re.compile(
    r"not\s+(?:yet\s+)?(?:sure|decided)|unsure|undecided|\bwhether\b|\btbd\b|to be decided|\?", re.I
)


def extract_category(
    statements: list[Statement], sentences: list[Sentence], parsed: ParsedEmail
) -> Category | None:
    candidates: list[tuple[int, object]] = [
        (s.pos, (category_in_value(s.value) if s.field == "category" else None) or _label_category(s.label))
        for s in statements
    ]
    candidates += [(s.pos, category_in_prose(s.text)) for s in sentences]
    found = _latest(candidates)
    if found or _is_reply(parsed):
        return found
    return category_in_prose(parsed.subject, subject=True)


def _label_category(label: str) -> Category | None:
    """A label that is itself a statement: 'We apply as an Interested Party for:'; lists of choices state nothing."""
    label = re.sub(r"\(.*?\)", " ", label)
    kinds = {category for _, category, _ in _mentions(label, _STRONG)}
    return category_in_prose(label) if len(kinds) == 1 else None


def category_in_value(value: str) -> Category | None:
    """A category-labelled value: official names and their usual synonyms."""
    mentions = _mentions(value, _STRONG) or _mentions(value, _WEAK)
    return _decide(mentions, value)


def category_in_prose(text: str, subject: bool = False) -> Category | None:
    """Prose: an official name in an applying context, or a synonym right after 'as a'."""
    mentions = [m for m in _mentions(text, _STRONG) if subject or _in_context(text, m[0], m[2])]
    mentions += [m for m in _mentions(text, _WEAK) if re.search(r"\bas\s+(?:an?\s+)?$", text[: m[0]], re.I)]
    return _decide(sorted(mentions), text)


def _mentions(text: str, patterns) -> list[tuple[int, Category, int]]:
    found = []
    for pattern, category in patterns:
        for match in pattern.finditer(text):
            if not _NEGATED.search(text[max(0, match.start() - 25) : match.start()]):
                found.append((match.start(), category, match.end()))
    return sorted(found)


def _in_context(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 60) : start]
    after = text[end : end + 25]
    return bool(
        _CONTEXT_BEFORE.search(before) or re.match(r"\s*(?:member|application|category|status)", after, re.I)
    )


def _decide(mentions: list[tuple[int, Category, int]], text: str) -> Category | None:
    kinds = {category for _, category, _ in mentions}
    if not kinds:
        return None
    if len(kinds) > 1 and _UNDECIDED.search(text):
        return None
    return mentions[-1][1]


def _is_reply(parsed: ParsedEmail) -> bool:
    return bool(parsed.in_reply_to or re.match(r"\s*(?:re|aw|sv|antw|fwd?|wg)\s*:", parsed.subject, re.I))


# ---------------------------------------------------------------- organisation

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
        (s.pos, organization_in_value(s.value)) for s in _of(statements, "organization")
    ]
    candidates += [(s.pos, organization_in_prose(s.text)) for s in sentences]
    found = _latest(candidates)
    if found or _is_reply(parsed):
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


# ---------------------------------------------------------------- web site and URLs

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'\])]+", re.I)
_BARE_DOMAIN = re.compile(
    r"(?<![@\w.\-/])(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,24})(?::\d+)?(?:/[^\s<>\"'\])]*)?(?![\w@\-])",
    re.I,
)
_WEBSITE_PROSE = re.compile(
    r"web\s?-?site|homepage|home page|web address|\bsite\b|\bURL\b|found (?:at|on)|online at", re.I
)
_NOT_WEBSITE_HOST = re.compile(
    r"crt\.sh|cabforum\.org|webtrust|cpacanada|bugzilla|^(?:[\w-]+\.)*?(?:valid|revoked|expired)[-.]", re.I
)
_AUDIT_PATH = re.compile(r"audit|attestation|seal|webtrust|\baal\b|etsi|report", re.I)


def _not_website(url: str) -> bool:
    """crt.sh, the Forum, audit seals and reports are never the applicant's web site."""
    parts = urlsplit(url)
    return bool(_NOT_WEBSITE_HOST.search(parts.netloc) or _AUDIT_PATH.search(parts.path + "?" + parts.query))


def normalise_url(url: str) -> str | None:
    """Scheme added (https) when missing, host lower-cased, default port and trailing punctuation dropped."""
    url = url.strip().strip("<>\"'()[]").rstrip(".,;:!?")
    if not url or "@" in url.split("/")[0]:
        return None
    if not re.match(r"[a-z][a-z0-9+.-]*://", url, re.I):
        url = "https://" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return None
    if "." not in host:
        return None
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, parts.fragment))


def urls_in(text: str, bare: bool = False) -> list[str]:
    """URLs in order (also bare domains when asked), normalised; e-mail domains are never URLs."""
    text = _EMAIL.sub(" ", text)
    found = [(m.start(), m.group(0)) for m in _URL.finditer(text)]
    if bare:
        spans = [(m.start(), m.end()) for m in _URL.finditer(text)]
        for m in _BARE_DOMAIN.finditer(text):
            if not any(a <= m.start() < b for a, b in spans) and _looks_like_domain(m.group(0)):
                found.append((m.start(), m.group(0)))
    urls = [normalise_url(u) for _, u in sorted(found)]
    return [u for u in urls if u]


def _looks_like_domain(text: str) -> bool:
    host = text.split("/")[0].lower()
    tld = host.rsplit(".", 1)[-1]
    return not re.fullmatch(
        r"(?:pdf|docx?|png|jpe?g|pem|crt|cer|der|p7[bcs]|txt|zip|eml|html?)", tld
    ) and not re.match(r"(?:s\.r\.o|e\.g|i\.e|inc|ltd|co)\b", host)


def website_beside_organization(text: str) -> str | None:
    """'Acme Ltd (https://acme.example)', 'we (Acme Ltd, https://acme.example)': a URL right after the
    organisation's name, in the same brackets or brackets of its own."""
    org = organization_in_prose(text)
    if not org:
        return None
    match = re.search(rf"{re.escape(org)}\s*[(,]\s*((?:https?://|www\.)[^\s(),]+)\s*\)", text)
    return normalise_url(match.group(1)) if match and not _not_website(match.group(1)) else None


def extract_website(statements: list[Statement], sentences: list[Sentence]) -> str | None:
    candidates: list[tuple[int, object]] = [
        (s.pos, website_in_value(s.value)) for s in _of(statements, "website")
    ]
    candidates += [
        (s.pos, website_in_prose(s.text) or website_beside_organization(s.text)) for s in sentences
    ]
    return _latest(candidates)


def website_in_value(value: str) -> str | None:
    return next(
        (u for u in urls_in(value, bare=True) if not re.search(r"crt\.sh|cabforum\.org", u, re.I)), None
    )


def website_in_prose(text: str) -> str | None:
    match = _WEBSITE_PROSE.search(text)
    if not match:
        return None
    after = [u for u in urls_in(text[match.start() :], bare=True) if not _not_website(u)]
    before = [u for u in urls_in(text[: match.start()], bare=True) if not _not_website(u)]
    return (after or before[-1:] or [None])[0]


# ---------------------------------------------------------------- e-mail addresses, names, phones

_EMAIL = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,24}(?![\w-])")
_PHONE = re.compile(
    r"(?<![\w/=?&.])(?:\+|00)?\(?\d[\d\s().\-/]{5,22}\d(?:\s*(?:ext\.?|x)\s*\d{1,5})?(?![\w])"
)
_NAME_STOP = {
    "our",
    "the",
    "a",
    "an",
    "representative",
    "representatives",
    "voting",
    "contact",
    "contacts",
    "emergency",
    "email",
    "e-mail",
    "mail",
    "name",
    "is",
    "are",
    "and",
    "security",
    "team",
    "primary",
    "other",
    "alternate",
    "hello",
    "dear",
    "hi",
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "phone",
    "tel",
    "please",
    "reach",
    "via",
    "at",
    "incident",
    "incidents",
    "pki",
    "soc",
    "noc",
    "main",
    "secondary",
    "second",
    "will",
    "be",
    "also",
    "by",
    "representing",
    "representative:",
    "delegate",
    "delegates",
    "non-voting",
    "for",
    "with",
    "of",
    "in",
    "on",
    "to",
    "or",
    "participants",
    "participant",
    "members",
    "member",
    "mobile",
    "telephone",
    "title",
    "role",
    "i",
    "we",
    "my",
    "they",
    "he",
    "she",
    "it",
    "this",
    "that",
    "its",
    "ceo",
    "cto",
    "ciso",
    "director",
}
_PARTICLES = {
    "van",
    "von",
    "de",
    "der",
    "den",
    "da",
    "di",
    "du",
    "la",
    "le",
    "del",
    "dos",
    "das",
    "bin",
    "al",
    "ten",
    "ter",
}


def emails_in(text: str) -> list[tuple[int, int, str]]:
    """Valid e-mail addresses (email-validator, no DNS) with their spans, lower-cased."""
    found = []
    for match in _EMAIL.finditer(text):
        address = _valid_email(match.group(0).strip(".'"))
        if address:
            found.append((match.start(), match.end(), address))
    return found


@lru_cache(maxsize=4096)  # a message names the same few addresses many times over
def _valid_email(address: str) -> str | None:
    try:
        from email_validator import EmailNotValidError, validate_email

        return validate_email(address, check_deliverability=False, test_environment=True).normalized.lower()
    except EmailNotValidError:
        return None
    except Exception:  # any failure of the validator means "not an address"
        return None


def phone_in(text: str) -> str | None:
    """The first telephone number: 7-15 digits, not a date, URL or e-mail part."""
    text = _URL.sub(" ", _EMAIL.sub(" ", text))
    text = re.sub(r"\b24\s*[x/*]\s*7\b|\b24\s*h(?:ours)?\b", " ", text, flags=re.I)
    for match in _PHONE.finditer(text):
        candidate = re.sub(r"\s*\(\s*$", "", match.group(0)).strip(" .-/")
        digits = re.sub(r"\D", "", re.split(r"(?:ext\.?|x)\s*\d", candidate)[0])
        if 7 <= len(digits) <= 15 and not re.fullmatch(
            r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}", candidate
        ):
            return candidate
    return None


def name_before(text: str, index: int) -> str | None:
    """The person's name written right before position index ('Jane Doe, jane@...', 'Jane Doe <jane@...',
    'Jane Doe (CTO, jane@...')."""
    before = text[:index]
    role = re.search(r"\(\s*([^()@,;]{1,40}),\s*$", before)  # "(CTO, " between the name and the address
    if role and not all(_is_name_word(w) for w in role.group(1).split()):
        before = before[: role.start()]
    tokens = before.split()
    words: list[str] = []
    while tokens and re.fullmatch(r"[-–—:(<\[,|]+|at|via|e-?mail:?|mail:?|is|-", tokens[-1].strip(), re.I):
        tokens.pop()
    for position, raw in enumerate(reversed(tokens)):
        word = raw.strip("()<>[]\"'“”,;:|")
        if position and raw.rstrip()[-1:] in ",;:)|":
            break
        if not _is_name_word(word):
            break
        words.insert(0, word)
        if len(words) == 4:
            break
    while words and words[0].lower() in _PARTICLES:
        words.pop(0)
    return " ".join(words) or None


def name_after(text: str, index: int) -> str | None:
    """'jane@... (Jane Doe)'."""
    match = re.match(r"\s*[(\[]\s*([^()\[\]@,;]{2,60})\s*[)\]]", text[index:])
    if not match:
        return None
    words = match.group(1).split()
    return match.group(1).strip() if words and all(_is_name_word(w) for w in words) else None


def _is_name_word(word: str) -> bool:
    if not word or word.lower() in _NAME_STOP:
        return False
    if word.lower() in _PARTICLES:
        return True
    core = word.rstrip(".")
    return (
        bool(core)
        and core[0].isupper()
        and all(c.isalpha() or c in "-'’." for c in core)
        and not core.isupper()
        or (len(core) <= 3 and core.isupper() and core.isalpha() and word.endswith("."))
    )


# ---------------------------------------------------------------- representatives

_VOTING = re.compile(r"\bvoting\b|\bvote\b|\bvoter\b|stimmberechtigt|\bvotant|droit de vote", re.I)
_NON_VOTING = re.compile(
    r"non[-\s]?voting|not\s+(?:a\s+)?voting|no\s+vote|without\s+vote|alternate|other", re.I
)
_REP_PROSE = re.compile(
    r"representative|delegate|\brepresent\b|\bwill\s+(?:also\s+)?(?:participate|attend)|point of contact|"
    r"contact person|primary contact",
    re.I,
)
_EMERGENCY_PROSE = re.compile(
    r"emergenc|incident|security\s+(?:issues?|contact|matters?|problems?|incidents?)|24\s*[x/*]\s*7|on-?call|urgent|"
    r"security-related|certificate\s+(?:trust\s+)?(?:issue|problem)s?|out of hours",
    re.I,
)


def extract_representatives(
    statements: list[Statement], sentences: list[Sentence]
) -> tuple[Representative, ...]:
    found: list[tuple[int, list[Representative]]] = []
    for s in _of(statements, "representatives"):
        found.append((s.pos, representatives_in(s.value, label=s.label)))
    for sentence in sentences:
        text = _before_emergency(sentence.text)
        if _REP_PROSE.search(text):
            found.append((sentence.pos, representatives_in(text, label="")))
    reps = _merge_representatives([rep for _, reps in sorted(found, key=lambda x: x[0]) for rep in reps])
    return _voting_by_name(
        reps, [s.value for s in _of(statements, "representatives")] + [s.text for s in sentences]
    )


def _voting_by_name(reps: tuple[Representative, ...], texts: list[str]) -> tuple[Representative, ...]:
    """'Jane Doe will be our voting representative' without her address: the named representative votes."""
    voter = None
    for text in _votes_without_address(texts):
        named = [r.email for r in reps if r.name and re.search(rf"\b{re.escape(r.name)}\b", text)]
        named = named or _by_first_name(reps, text)
        if len(named) == 1:
            voter = named[0]
    if voter is None:
        return reps
    return tuple(replace(rep, voting=rep.email == voter) for rep in reps)


def _named_by_sender(reps: tuple[Representative, ...], parsed: ParsedEmail) -> tuple[Representative, ...]:
    """A representative given by address alone who is the sender: the name the sender's mail gives."""
    words = parsed.from_name.split()
    name = parsed.from_name.strip() if 2 <= len(words) <= 4 and all(map(_is_name_word, words)) else None
    sender = parsed.from_address.lower()
    return tuple(
        replace(rep, name=name) if rep.name is None and name and rep.email == sender else rep for rep in reps
    )


def _votes_without_address(texts: list[str]) -> Iterator[str]:
    """Clauses that say who votes by name only ('John Smith will be our voting representative')."""
    for text in (part for whole in texts for part in re.split(r"[;\n]", whole)):
        if not emails_in(text) and _VOTING.search(text) and not _NON_VOTING.search(text):
            yield text


_PERSON = re.compile(r"\b[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3}\b")


def voter_named(texts: list[str], reps: tuple[Representative, ...]) -> str | None:
    """'John Smith is our voting representative' with no address, when this message's own representatives
    (if any) name no voter: the name, for a representative an earlier message gave (fields.vote_by_name)."""
    if any(rep.voting for rep in reps):
        return None
    for text in _votes_without_address(texts):
        names = [m.group(0) for m in _PERSON.finditer(text) if all(map(_is_name_word, m.group(0).split()))]
        names.sort(key=lambda name: len(name.split()) < 2)  # a full name before a lone capitalised word
        if names:
            return names[0]
    return None


def _by_first_name(reps: tuple[Representative, ...], text: str) -> list[str]:
    """'John will be the voting representative': the one representative of that first name."""
    by_first: dict[str, list[str]] = {}
    for rep in reps:
        if rep.name:
            by_first.setdefault(rep.name.split()[0], []).append(rep.email)
    return [
        emails[0]
        for first, emails in by_first.items()
        if len(emails) == 1 and re.search(rf"\b{re.escape(first)}\b", text)
    ]


def _before_emergency(text: str) -> str:
    """The part of a sentence before it turns to the emergency contact (when representatives came first)."""
    match = _EMERGENCY_PROSE.search(text)
    return text[: match.start()] if match and emails_in(text[: match.start()]) else text


def representatives_in(value: str, label: str = "") -> list[Representative]:
    """Each e-mail address in the value is a representative; 'voting' next to it (or in the label) marks the vote."""
    label = re.sub(r"\((?!\s*voting\s*\))[^)]*\)", " ", label)  # hints in brackets, but "(voting)" itself
    label_votes = bool(_VOTING.search(label)) and not re.search(
        r"non|identify|indicat|which|mark|alternate|other|backup|deputy", label, re.I
    )
    reps = []
    for segment in _segments(value):
        for start, end, address in emails_in(segment):
            name = name_before(segment, start) or name_after(segment, end) or _sub_label_name(segment)
            voting = bool(_VOTING.search(segment)) and not _NON_VOTING.search(segment)
            reps.append(Representative(name=name, email=address, voting=voting))
    if label_votes and reps and not any(r.voting for r in reps):
        reps[0] = replace(reps[0], voting=True)
    return reps


def _segments(value: str) -> list[str]:
    """Pieces holding one address each: split at list separators, then between addresses."""
    pieces = re.split(r"\n|;|\s+and\s+|\s+&\s+|\s+\|\s+", value)
    merged: list[str] = []
    carry = ""
    for piece in pieces:
        text = f"{carry} {piece}".strip() if carry else piece
        if emails_in(text):
            merged.append(text)
            carry = ""
        elif merged and re.fullmatch(r"\s*[-–(]*\s*\(?(?:non[-\s]?)?voting(?:\s+\w+)?\)?\s*\.?", piece, re.I):
            merged[-1] += " " + piece  # "... jane@x.com\n  (voting)"
        else:
            carry = text
    return [segment for text in merged for segment in _split_between_addresses(text)]


def _split_between_addresses(text: str) -> list[str]:
    found = emails_in(text)
    if len(found) < 2:
        return [text]
    cuts = [0]
    for (_, end, _), (start, _, _) in zip(found, found[1:], strict=False):
        clause = _VOTE_CLAUSE.match(text, end, start)
        if clause:  # "jane@x) will be the voting representative, with John (john@x) ...": hers
            cuts.append(clause.end())
            continue
        tail = re.match(
            r"[)>\]]?\s*(?:[-–—,]?\s*\(?(?:non[-\s]?voting|voting|primary|alternate)[^,;()]*\)?)?", text[end:]
        )
        cuts.append(end + (tail.end() if tail else 0))
    cuts.append(len(text))
    return [text[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]


# Between two addresses: words about the vote, then a clause boundary, say who the vote is for (the first).
_VOTE_CLAUSE = re.compile(
    r"[)>\]]?[^,;@]*?\b(?:voting|vote)\b[^,;@]*?(?=,|;|\s+(?:while|whereas|with|alongside|plus)\s)", re.I
)


def _sub_label_name(segment: str) -> str | None:
    match = re.search(r"\bname\s*:\s*([^\n,;:@]{2,60}?)(?=\s+\w+\s*:|[,;\n]|$)", segment, re.I)
    return match.group(1).strip() if match else None


def _merge_representatives(reps: list[Representative]) -> tuple[Representative, ...]:
    """One entry per address (first name seen kept); the last one marked voting is the voting one."""
    by_email: dict[str, Representative] = {}
    voter = None
    for rep in reps:
        known = by_email.get(rep.email)
        by_email[rep.email] = Representative(
            name=(known.name if known and known.name else rep.name), email=rep.email
        )
        if rep.voting:
            voter = rep.email
    return tuple(replace(rep, voting=rep.email == voter) for rep in by_email.values())


# ---------------------------------------------------------------- emergency contact


def extract_emergency(statements: list[Statement], sentences: list[Sentence]) -> EmergencyContact | None:
    found: list[tuple[int, EmergencyContact | None]] = [
        (s.pos, emergency_in(s.value)) for s in _of(statements, "emergency")
    ]
    for index, sentence in enumerate(sentences):
        match = _EMERGENCY_PROSE.search(sentence.text)
        if not match:
            continue
        contact = emergency_in(sentence.text[match.start() :]) or emergency_in(sentence.text)
        if contact is None and index + 1 < len(sentences):
            contact = emergency_in(
                sentences[index + 1].text
            )  # "...emergency contact is our SOC. Reach it at ..."
        found.append((sentence.pos, contact))
    merged: EmergencyContact | None = None
    for _, contact in sorted((f for f in found if f[1]), key=lambda f: f[0]):
        merged = _merge_contact(merged, contact)
    return merged


_SAME_AS = re.compile(
    r"\bsame\s+(?:as|person)|\bas\s+above\b|\bsee\s+above\b|\bidentical\s+to\b|\bditto\b", re.I
)


def emergency_by_reference(
    statements: list[Statement], sentences: list[Sentence], reps: tuple[Representative, ...]
) -> EmergencyContact | None:
    """'Emergency contact: same as the voting representative (above)': the voting representative, else
    the first one named, with the phone number given beside their address, if any."""
    texts = [s.value for s in _of(statements, "emergency")]
    texts += [s.text for s in sentences if _EMERGENCY_PROSE.search(s.text)]
    if not reps or not any(_SAME_AS.search(text) for text in texts):
        return None
    rep = next((r for r in reps if r.voting), reps[0])
    beside = [s.value for s in _of(statements, "representatives")] + [s.text for s in sentences]
    phone = next((phone_in(t) for t in beside if rep.email in t.lower() and phone_in(t)), None)
    return EmergencyContact(name=rep.name, email=rep.email, phone=phone)


def emergency_in(value: str) -> EmergencyContact | None:
    addresses = emails_in(value)
    phone = phone_in(value)
    if not addresses and not phone:
        return None
    email = addresses[0][2] if addresses else None
    name = _sub_label_name(value) or (name_before(value, addresses[0][0]) if addresses else None)
    return EmergencyContact(name=name, email=email, phone=phone)


def _merge_contact(old: EmergencyContact | None, new: EmergencyContact) -> EmergencyContact:
    if old is None:
        return new
    return EmergencyContact(
        name=new.name or old.name, email=new.email or old.email, phone=new.phone or old.phone
    )


# ---------------------------------------------------------------- audit report

_AUDIT_PROSE = re.compile(
    r"audit|webtrust|web trust|\betsi\b|attestation|\bseal\b|conformity assessment", re.I
)


def extract_audit(statements: list[Statement], sentences: list[Sentence], body: str) -> str | None:
    candidates: list[tuple[int, object]] = [(s.pos, audit_in(s.value)) for s in _of(statements, "audit")]
    candidates += [(s.pos, audit_in(s.text)) for s in sentences if _AUDIT_PROSE.search(s.text)]
    found = _latest(candidates)
    if found:
        return found
    return next((u for u in urls_in(body) if _looks_like_audit(u)), None)


def _looks_like_audit(url: str) -> bool:
    parts = urlsplit(url)
    if re.search(r"crt\.sh|cabforum\.org", parts.netloc, re.I):
        return False
    return bool(
        re.search(r"webtrust|cpacanada", parts.netloc, re.I)
        or _AUDIT_PATH.search(parts.path + "?" + parts.query)
    )


def audit_in(value: str) -> str | None:
    urls = [u for u in urls_in(value) if not re.search(r"crt\.sh|cabforum\.org", u, re.I)]
    preferred = [u for u in urls if _looks_like_audit(u)]
    return (preferred or urls or [None])[0]


# ---------------------------------------------------------------- certificate evidence

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
    texts = [s.value for s in _of(statements, "certificates")] + [
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


def extract_certificates(
    statements: list[Statement],
    sentences: list[Sentence],
    body: str,
    pem_ders: list[bytes],
    parsed: ParsedEmail,
) -> tuple[str, ...]:
    return certificate_evidence(statements, sentences, body, pem_ders, parsed)[0]


def fingerprints_in(text: str) -> list[str]:
    """SHA-256 fingerprints given as text, as the crt.sh link that shows the certificate."""
    text = re.sub(r"https?://\S+", " ", text)
    hexes = [re.sub(r"[:\s]", "", m.group(0)).upper() for m in _FINGERPRINT.finditer(text)]
    return [f"https://crt.sh/?sha256={h}" for h in hexes if len(h) == 64]


def attached_certificates(parsed: ParsedEmail, checked_at: str | None = None) -> list[CertificateFinding]:
    """Each attached certificate file once, and the signer of the message's own S/MIME signature."""
    found = []
    for attachment in parsed.attachments:
        own_signature = (
            attachment.filename.lower() in ("smime.p7s", "smime.p7m")
            or "pkcs7-signature" in attachment.content_type
        )
        if not evidence.is_certificate_file(attachment.filename, attachment.content_type, attachment.payload):
            continue
        source = "signature" if own_signature else "attachment"
        reference = f"{source}:{attachment.filename} sha256:{attachment.sha256}"
        found.append(_file_finding(reference, source, attachment.payload, checked_at))
    return found


def _file_finding(reference: str, source: str, payload: bytes, checked_at: str | None) -> CertificateFinding:
    certs = evidence.read_certificates(payload)
    if not certs:
        return CertificateFinding(reference, source, problems=("no certificate could be read from it",))
    infos = tuple(evidence.certificate_info(c) for c in evidence.end_entities(certs) or certs)
    return CertificateFinding(reference, source, certificates=infos, checked_at=checked_at)


# ---------------------------------------------------------------- IPR agreement and working group


_IPR_NAME = re.compile(r"ipr|intellectual|agreement|cab\s*f|cabf|signed", re.I)
_IPR_MENTION = re.compile(r"\bipr\b|intellectual property|agreement", re.I)
_IMAGE_TYPES = ("image/jpeg", "image/png", "image/jpg", "image/pjpeg")


def extract_ipr(parsed: ParsedEmail, body: str = "", sent_at: datetime | None = None) -> IprAgreement | None:
    """The document sent as the IPR agreement, with what was found on it; the best one when several.

    A PDF with the Agreement's text is always a candidate; a scan, photo, unreadable PDF or another
    Forum form only when its name (or, for a lone PDF, the message) says it is the agreement."""
    mentioned = bool(_IPR_MENTION.search(body))
    pdfs = [a for a in parsed.attachments if _is_pdf(a)]
    candidates = []
    for attachment in parsed.attachments:
        is_image = attachment.content_type in _IMAGE_TYPES
        named = bool(_IPR_NAME.search(attachment.filename))
        if named and attachment.filename.lower().endswith(_WORD_PROCESSOR):
            check = evidence.IprCheck("other", problems=(_NOT_PDF,))  # said why, not just "missing"
            candidates.append((_ipr_rank(check), len(candidates), attachment, check))
            continue
        if not _is_pdf(attachment) and not is_image:
            continue
        check = evidence.check_ipr(attachment.payload, attachment.filename, attachment.content_type)
        if check.kind == "ipr_agreement" or named or (mentioned and len(pdfs) == 1 and not is_image):
            if check.kind == "other" and not named:
                continue
            candidates.append((_ipr_rank(check), len(candidates), attachment, check))
    if not candidates:
        return None
    _, _, attachment, check = max(candidates, key=lambda c: (c[0], -c[1]))
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
    )


_WORD_PROCESSOR = (".doc", ".docx", ".odt", ".rtf", ".pages")
_NOT_PDF = "is a word-processor file: the agreement is to be completed, signed and sent as a PDF"


def _is_pdf(attachment: Attachment) -> bool:
    return attachment.content_type == "application/pdf" or attachment.filename.lower().endswith(".pdf")


def _ipr_rank(check: evidence.IprCheck) -> tuple[int, int]:
    """A complete agreement before a scan before a flawed agreement before anything else; dated first."""
    if check.kind == "ipr_agreement":
        return (3 if not check.problems else 1, int(check.dated))
    return (2, 0) if check.kind == "scan" else (0, 0)


# ---------------------------------------------------------------- test web sites (Server Certificate WG)

_SITE_STATES = ("valid", "revoked", "expired")
_SITE_WORD = re.compile(r"\b(valid|revoked|expired)\b", re.I)
_SITE_HOST = re.compile(r"^(?:https?://)?(?:[\w-]+\.)*?(valid|revoked|expired)[-.]", re.I)


def extract_test_websites(statements: list[Statement], body: str) -> IssuerTestSites | None:
    """The three test sites (valid, revoked, expired): labelled, or told by their host names."""
    found: dict[str, str] = {}
    labelled = [f"{s.label}: {s.value}" for s in _of(statements, "testsites")]
    for line in "\n".join(labelled).split("\n") + body.split("\n"):
        in_list = any(line in text for text in labelled)
        for url in urls_in(line):
            state = _site_state(line, url, in_list)
            if state and state not in found:
                found[state] = url
    return IssuerTestSites(**found) if found else None


def _site_state(line: str, url: str, labelled: bool) -> str | None:
    host = _SITE_HOST.match(url)
    if host:
        return host.group(1).lower()
    at = line.lower().find((urlsplit(url).hostname or url).lower())
    before = line[:at] if at >= 0 else line
    words = _SITE_WORD.findall(before)
    if words and (labelled or re.search(r"test|site|page", line, re.I)):
        return words[-1].lower()
    return None


_WORKING_GROUPS = (
    ("SMCWG", re.compile(r"\bSMC?WG\b|S/MIME\s+(?:Certificate\s+)?(?:Working\s+Group|WG)", re.I)),
    ("CSCWG", re.compile(r"\bCSC?WG\b|Code[\s-]+Signing\s+(?:Certificate\s+)?(?:Working\s+Group|WG)", re.I)),
    ("SCWG", re.compile(r"\bSCWG\b|Server\s+Certificate\s+(?:Working\s+Group|WG)", re.I)),
    (
        "NSWG",
        re.compile(r"\bNS(?:WG)?\b(?=.*WG)|Network\s+Security\s+(?:Working\s+Group|WG)|\bNetSec\b", re.I),
    ),
)


def working_groups_named(text: str) -> set[str]:
    """Every working group the text names."""
    return {name for name, pattern in _WORKING_GROUPS if pattern.search(text)}


def extract_working_group(body: str, subject: str) -> str | None:
    for text in (body, subject):
        hits = [(m.start(), name) for name, pattern in _WORKING_GROUPS for m in [pattern.search(text)] if m]
        if hits:
            return min(hits)[1]
    return None
