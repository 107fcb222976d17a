"""The applicant organisation's name: a labelled value, or a name in a known prose pattern."""

from __future__ import annotations

import re

from ..records import ParsedEmail
from .legalforms import is_organisation_name
from .lexicon import LEXICON
from .links import html_links
from .names import (
    Candidate,
    Source,
    agrees_with_domain,
    choose,
    extend_name,
    line_parts,
    reads_as_sentence,
    rejected,
    signature_names,
)
from .prefilter import Guarded, guard
from .prose import Sentence, is_reply
from .statements import Statement, of

COMPANY = re.compile(
    r"\b(?:Ltd|Limited|GmbH|AG|SE|Inc|Corp(?:oration)?|LLC|LLP|plc|PLC|AS|ASA|AB|Oy|Oyj|A/S|ApS|S\.?A|"
    r"S\.?p\.?A|S\.?r\.?l|S\.?L|B\.?V|N\.?V|K\.?K|Pty|Co|Foundation|Institute|Association|Consortium)\b\.?$"
)


_ORG_NAME = r"(?P<org>[A-Z0-9\u00C0-\u017F][\w&.,'’()\-/+ ]{1,90}?)"
_ORG_PROSE: tuple[tuple[Source, Guarded], ...] = (  # guarded: most sentences have none of their words
    (
        Source.PROSE,
        guard(
            rf"\b[Oo]n\s+behalf\s+of\s+(?:the\s+)?{_ORG_NAME}(?=\s+(?:to|in|for|as|and|which|who|with)\b|\s*\(|[,;:]\s|\.\s|[.,;]?$)"
        ),
    ),
    (
        Source.PROSE,
        guard(
            rf"^{_ORG_NAME}\s+(?:(?:is|are)\s+(?:a|an|the)\s+[^.]{{0,60}}?\b(?:CA|TSP|(?i:company|provider|vendor|"
            rf"developer|maker|authority|organi[sz]ation|firm|institute|foundation|association|publisher|producer|"
            rf"operator|consultancy|registrar))\b|(?:makes|develops|produces|operates|builds|publishes|maintains|provides)\b)"
        ),
    ),
    (
        Source.PROSE,
        guard(
            rf"^(?:(?:Hi|Hello|Dear)[^,]*,\s*)?{_ORG_NAME}(?:\s*\([^()]{{1,120}}\))?\s+(?:would like|wishes|hereby|"
            rf"is applying|is pleased|intends|"
            rf"requests|wants|would hereby|is writing|kindly requests|seeks|applies)\b"
        ),
    ),
    (
        Source.PROSE,
        guard(
            rf"\b(?:I|We)\s+(?:work\s+for|represent|am\s+with|are\s+with|am\s+from|are\s+from)\s+{_ORG_NAME}(?=[,;.(]|\s+(?:and|to|in)\b|$)"
        ),
    ),
    (
        Source.PROSE,
        guard(
            rf"\bour\s+(?:company|organi[sz]ation|firm|institute)(?:'s name is|\s+name\s+is|\s+is|,)\s+{_ORG_NAME}(?=[,;(]|\.\s|\.?$|\s+(?:and|to|in)\b)"
        ),
    ),
    (  # "I'm Jane Doe, CTO of Acme Ltd (...)": a job title names the employer
        Source.TITLE,
        guard(
            rf"\b(?:CEO|CTO|CISO|CIO|COO|CSO|Chief\s+[A-Z]\w+\s+Officer|President|Founder|Director|Head|Manager|"
            rf"Officer|Lead|Engineer)\b[\w ]{{0,40}}?\s+(?:of|at)\s+{_ORG_NAME}"
            rf"(?=\s*\(|[,;]\s|\.\s|[.,;]?$|\s+(?:and|to|in|which|who|we)\b)"
        ),
    ),
    (  # "we (Acme Ltd, https://acme.example) apply ...", "We, Acme Ltd, would like ..."
        Source.PROSE,
        guard(rf"\b[Ww]e\s*[(,]\s*(?:the\s+)?{_ORG_NAME}(?=\s*[,)])"),
    ),
    (
        Source.PROSE,
        guard(
            rf"\b(?:[Mm]embership\s+)?[Aa]pplication\s+(?:of|from)\s+{_ORG_NAME}(?=\s+(?:to|for|in)\b|\s*[-–|(:]|$)"
        ),
    ),
)
# 'En nombre de la Fundación Llave Abierta solicitamos ...', 'W imieniu Fundacji Bezpieczna Poczta ...': the
# lexicon's words for 'on behalf of' (English: _ORG_PROSE), then capitalised words and the little words between.
_NAME_WORD = r"(?!I\b)[A-Z0-9\u00C0-\u00DE\u0100-\u017F][\w&'’.-]*"
_LINKING = r"(?:de|del|la|las|los|du|des|der|die|für|of|for|and|y|e|et|und|i|di|della|da|do|dos|das|van|voor|en|och|og|z|w)"
_ON_BEHALF = guard(  # a match has one of the lexicon's words for 'on behalf of': their literals guard it
    rf"(?:{LEXICON.word_sources['on_behalf']})\s*(?P<org>{_NAME_WORD}(?:\s+(?:{_LINKING}\s+)*{_NAME_WORD}){{0,10}})",
    literals=LEXICON.word_literals["on_behalf"],
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
    *,
    signature: str = "",
    card_organizations: tuple[str, ...] = (),
    applying: bool = False,
) -> str | None:
    """The best-supported of the names every source gives (reader.names). text: the message's own
    text with its signature, for the lines carrying a legal form; signature: its signature block.
    The layout (the signature block, a contact card's ORG, the words of a link to the organisation's
    site or mailbox) names the organisation only when nothing else does, in a first message that
    applies (`applying`: it states a category or attaches an agreement): every business mail has a
    signature, a vendor's pitch too. Elsewhere, and in a reply, the layout and the subject only
    support a name the message states; the IPR agreement never names alone."""
    domain = parsed.from_address.rpartition("@")[2]
    candidates = [
        Candidate(name, Source.LABEL, s.pos)
        for s in of(statements, "organization")
        if (name := organization_in_value(s.value))
    ]
    for sentence in sentences:
        candidates += [Candidate(name, source, sentence.pos) for source, name in _prose_names(sentence.text)]
    candidates += [Candidate(name, Source.SIGNATURE, pos) for pos, name in signature_names(text)]
    end = len(text)
    candidates += [
        Candidate(name, Source.SIGNATURE, end)
        for name in signature_block_names(signature, domain, parsed.from_name)
    ]
    candidates += [Candidate(name, Source.CARD, end) for name in card_organizations]
    if ipr_organization:
        candidates.append(Candidate(ipr_organization, Source.IPR, -1))
    reply = is_reply(parsed)
    if not reply:
        candidates += [Candidate(name, Source.SUBJECT, -1) for name in subject_names(parsed.subject)]
    stating = {Source.LABEL, Source.PROSE, Source.TITLE} | (set() if reply else {Source.SUBJECT})
    stated = choose(candidates, domain, stating=stating)
    if stated or not applying or reply:
        return stated
    # Named only in the layout: then it names (a lawyer's or an assistant's own firm in the signature
    # must not outweigh the applicant the text names). Links only here: reading them parses the HTML.
    candidates += [Candidate(name, Source.LINK, end) for name in link_names(parsed.html, parsed.from_name)]
    return choose(candidates, domain, stating=stating | {Source.SIGNATURE, Source.CARD, Source.LINK})


MAX_SIGNATURE_LINES = 10  # a signature block: name, title, organisation, address, phones, links
_LINK_TARGET = re.compile(r"\s*(?:\((?:https?://|www\.)[^()\s]*\)|<[^<>\s]*>)")


def signature_block_names(signature: str, domain: str, sender_name: str = "") -> list[str]:
    """The lines of a signature block (Apple Mail, Outlook, webmail: name, title, organisation,
    address) that name an organisation: one with an organisation word ('Fundación', 'Institute') or
    agreeing with the sender's domain or with the site it links to. The sender's own name, job
    titles, departments and addresses are no names (names.rejected)."""
    found = []
    sender = _key_words(sender_name)
    lines = [line.strip(" >\t") for line in signature.split("\n") if line.strip(" >\t")]
    for line in lines[:MAX_SIGNATURE_LINES]:
        if len(line) > 120:
            continue
        for part in line_parts(line):
            targets = [domain, *(_host(url) for url in re.findall(r"https?://[^\s()<>]+", part))]
            name = _LINK_TARGET.sub("", part).strip(" ,;:|-–")
            if (
                not name
                or _key_words(name) == sender
                or len(name.split()) > 8
                or rejected(name)
                or reads_as_sentence(name)
            ):
                continue
            if is_organisation_name(name) or any(agrees_with_domain(name, t) for t in targets if t):
                found.append(name)
    return found


def link_names(html: str, sender_name: str = "") -> list[str]:
    """The words of HTML links that name the organisation whose site or mailbox they lead to
    ('<a href="https://www.brightwater.example">Brightwater Mailworks</a>', a mailto link showing
    the organisation's name)."""
    sender = _key_words(sender_name)
    found = []
    for words, href in html_links(html) if html else []:
        host = href.split("@", 1)[1] if href.lower().startswith("mailto:") and "@" in href else _host(href)
        if len(words.split()) > 8 or _key_words(words) == sender or rejected(words):
            continue
        if host and agrees_with_domain(words, host):
            found.append(words)
    return found


def _host(url: str) -> str:
    return (
        re.sub(r"^(?:https?://|mailto:)", "", url, flags=re.I).split("/", 1)[0].split("?", 1)[0].split(":")[0]
    )


def _key_words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


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
    for source, pattern in (*_ORG_PROSE, (Source.PROSE, _ON_BEHALF)):
        match = pattern.search(text)
        if match:
            name = text[match.start("org") : extend_name(text, match.end("org"))].strip(" ,;:-")
            if name and not _NOT_ORG.search(name) and len(name.split()) <= 12:
                found.append((source, name))
    return found
