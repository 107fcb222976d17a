"""Pure: what one message states about an application (ParsedEmail -> Extraction).

The body is first reduced to the new text of this message (quoted text, reply headers,
signature and disclaimers removed). It is then read two ways: "Label: value" statements
(statements.py; numbered lists in positions.py) and free prose sentences (prose.py). Each
field has its own reader module over both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .. import evidence, items
from ..body import evidence_free, strip_quoted, strip_signature, tidy
from ..records import Extraction, ParsedEmail
from .audit import extract_audit
from .categories import extract_category
from .certificates import certificate_evidence
from .emergency import emergency_by_reference, extract_emergency
from .groups import extract_working_group
from .ipr import extract_ipr
from .links import expose, with_html_links
from .organisation import extract_organization
from .positions import apply_positions
from .prose import Sentence, prose_sentences
from .representatives import extract_representatives, named_by_sender, sender_as_representative, voter_named
from .statements import Statement, answers_labelled, label_statements, of
from .tables import with_tables_read
from .testsites import extract_test_websites
from .vcard import cards_in, named_by_cards, with_card_addresses, with_card_contact
from .website import extract_website

# The new text the field readers read: an application is a few pages; past this no person writes one, and
# each reader costs up to a few microseconds a character (1 MB of 'Regards,' lines took ~10 s of CPU).
MAX_READ_CHARS = 100_000


@dataclass(frozen=True)
class Text:
    """A message as the field readers see it: what a catalogued item's own reader gets (items.Item)."""

    parsed: ParsedEmail
    body: str  # the new text of this message: no quotes, signature or disclaimers
    statements: list[Statement]  # "Label: value" lines
    sentences: list[Sentence]  # the prose


def read(parsed: ParsedEmail, *, received_at: datetime | None = None) -> Extraction:
    """What this message states; None/empty for everything it does not.

    received_at (else the Date header) is the time certificates are judged valid at."""
    unquoted = strip_quoted(answers_labelled(expose(with_html_links(parsed.text, parsed.html))))
    pem_ders = evidence.pem_certificates(unquoted)
    own = evidence_free(unquoted)
    unsigned = strip_signature(own, parsed.from_name)
    # the block below the closing (name, title, organisation, address): a source of the organisation's name
    signature = own[len(unsigned) : len(unsigned) + 2000]
    body = tidy(unsigned)[:MAX_READ_CHARS]
    unquoted = unquoted[:MAX_READ_CHARS]
    cards = cards_in(parsed.attachments)
    body = with_tables_read(with_card_addresses(body, cards), parsed.html)
    statements = apply_positions(label_statements(body))
    sentences = prose_sentences(body, statements)
    references, findings = certificate_evidence(
        statements, sentences, body, pem_ders, parsed, received_at or parsed.date
    )
    representatives = sender_as_representative(
        named_by_sender(named_by_cards(extract_representatives(statements, sentences), cards), parsed),
        statements,
        sentences,
        parsed,
    )
    ipr = extract_ipr(parsed, body, received_at or parsed.date)
    category = extract_category(statements, sentences, parsed)
    return Extraction(
        category=category,
        organization_name=extract_organization(
            statements,
            sentences,
            parsed,
            unquoted,
            ipr.organization if ipr else None,
            signature=signature,
            card_organizations=tuple(card.organization for card in cards if card.organization),
            applying=bool(category or ipr),
        ),
        website_url=extract_website(statements, sentences),
        representatives=representatives,
        emergency_contact=with_card_contact(
            extract_emergency(statements, sentences)
            or emergency_by_reference(statements, sentences, representatives),
            cards,
        ),
        audit_report_url=extract_audit(statements, sentences, body),
        certificate_evidence=references,
        ipr_agreement=ipr,
        working_group=extract_working_group(body, parsed.subject),
        certificate_findings=findings,
        test_websites=extract_test_websites(statements, body),
        voting_name=voter_named(
            [s.value for s in of(statements, "representatives")] + [s.text for s in sentences],
            representatives,
        ),
        others=read_others(Text(parsed, body, statements, sentences)),
    )


def read_others(text: Text) -> tuple[tuple[str, Any], ...]:
    """The items read by their own catalogued reader (items.Item.reader), as (code, JSON value)."""
    found = ((item.code, item.reader(text)) for item in items.CATALOGUE.values() if item.reader)
    return tuple((code, value) for code, value in found if value is not None)
