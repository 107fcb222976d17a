"""Statements ("label: value"): labelled lines, numbered lists, table rows and multi-line values.

Every statement carries its position in the body; for single-valued fields the later one wins."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from .lexicon import LABEL_FIELDS, LEXICON, or_label

T = TypeVar("T")
Item = dict[str, Any]  # a statement being read: pos, field, label, value, more (its lines), number


@dataclass(frozen=True)
class Statement:
    """One "label: value" item of the body (value may span lines)."""

    pos: int
    field: str | None  # a field name, "sub" (name/email/phone...), "other" (unknown label) or None
    label: str
    value: str
    number: int | None = None


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
            if not split_label(answer) and not re.match(
                r"(?:hi|hello|dear|thanks|thank you)\b", answer, re.I
            ):
                lines[index] = f"{label}: {line.strip()}"
            label = None
    return "\n".join(lines)


_ITEM = re.compile(
    r"^(?P<indent>\s*)(?:(?:\(?(?P<num>\d{1,2})\s*[.):\]]|[a-g]\))\s+|[-*•·◦▪●‣–]\s+)?(?P<rest>.*\S)?\s*$"
)
_COLON_SPLIT = re.compile(r"^(?P<label>[^:\t]{1,110}?)\s*[:：]\s*(?P<value>.*)$")
_BRACKET_SPLIT = re.compile(
    r"^[【\[［〔〖](?P<label>[^】\]］〕〗\n]{1,40})[】\]］〕〗]\s*[:：]?\s*(?P<value>.*)$"
)
# A sentence ended inside what would be a label: the line is prose ('Я буду голосуючим представником.
# Другий представник - ...'), not a label that swallows the sentence before it.
_SENTENCE_END = re.compile(r"(?:\w+\s+){2,}\w{2,}[.!?。]\s")
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


# Each field's English pattern, extended by the lexicon's labels for it in every language (in this order:
# the first field whose pattern a label matches is the one it names).
_IN_ANY_LANGUAGE = tuple(
    (field, or_label(field, pattern) if field in LABEL_FIELDS else pattern) for field, pattern in _LABELS
)


@functools.lru_cache(maxsize=4096)  # mail repeats its lines (signatures, tables, a flood of 'Name:' lines)
def classify_label(label: str) -> str | None:
    """The field a label names ('sub' for name/e-mail/phone parts), None when it names nothing known."""
    if len(label) > 400 or not any(char.isalnum() for char in label):
        return None  # a label is a few words (and cut to 14 below); the patterns cost ~10 us a character
    label = re.sub(r"[*_#]+|\(.*?\)", " ", label).strip().lower()
    label = re.sub(r"\s+", " ", label)
    if not label or len(label.split()) > 14:
        return None
    for field, pattern in _IN_ANY_LANGUAGE if LEXICON.any_label.search(label) else _LABELS:
        if pattern.search(label):
            return field
    # 'Zastępca:', 'Suplente:' (a deputy) in any language: a part of the representatives, as 'Deputy:' is
    return "sub" if LEXICON.word("non_voting").fullmatch(label) else None


@functools.lru_cache(maxsize=4096)
def split_label(rest: str) -> tuple[str, str, str | None] | None:
    """(label, value, field) for a labelled line, else None."""
    match = _BRACKET_SPLIT.match(rest)  # '【組織名】value', '[Website] value'
    if match:
        field = classify_label(match.group("label"))
        if field and field != "other":
            return match.group("label"), match.group("value").strip(), field
    match = _COLON_SPLIT.match(rest)
    if match and not re.search(r"(?:https?|mailto|ftp)$|@|://|[.!?]\s", match.group("label"), re.I):
        label = match.group("label")
        field = classify_label(label)
        if field or len(label.split()) <= 4:
            return label, match.group("value").strip(), field or "other"
    match = _SPACE_SPLIT.match(rest)
    if match and not _SENTENCE_END.search(match.group("label")):  # 'I will vote. The other one - Ann Lee'
        field = classify_label(match.group("label"))
        if field and field != "sub" or field == "sub" and "@" in match.group("value"):
            return match.group("label"), match.group("value").strip(), field
    alone = (
        rest.endswith(":")
        or len(rest.split()) <= 4
        and not re.search(r"[.!?,;]$|\b(?:is|are|will|be)\b", rest)
    )
    if not alone or re.search(r"[@/]|\d{3}", rest):
        return None
    field = classify_label(rest.rstrip(":"))
    return (rest.rstrip(":"), "", field) if field else None  # a label alone on its line; values follow


def label_statements(body: str) -> list[Statement]:
    """Every labelled item of the body, with continuation lines folded into its value."""
    statements: list[Statement] = []
    current: Item | None = None
    pos = 0
    for line in body.split("\n"):
        current = _fold_line(_table_row(line), pos, current, statements)
        pos += len(line) + 1
    _close(current, statements)
    return statements


def _table_row(line: str) -> str:
    """'| Organisation | Acme Ltd |' (a Markdown or plain-text table row) -> 'Organisation | Acme Ltd'."""
    stripped = line.strip()
    if len(stripped) > 2 and stripped[0] == "|" and stripped[-1] == "|":
        return stripped[1:-1].strip()
    return line


def _fold_line(line: str, pos: int, current: Item | None, out: list[Statement]) -> Item | None:
    item = _ITEM.match(line)
    rest = (item.group("rest") or "") if item else ""
    if not rest:
        if current and not current["value"].strip() and not current["more"]:
            return current  # blank lines between a label and its values
        _close(current, out)
        return None
    number = int(item.group("num")) if item and item.group("num") else None
    bulleted = bool(item and (item.group("indent") or line.lstrip()[:1] in "-*•·◦▪●‣–"))
    split = split_label(rest)
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


def _continues(current: Item, rest: str, bulleted: bool) -> bool:
    if bulleted or not current["value"].strip():
        return True
    multi = current["field"] in ("representatives", "certificates", "emergency")
    return multi and bool(re.search(r"@|https?://|crt\.sh|\+?\d[\d ()-]{6,}", rest)) and len(rest) < 160


def _close(current: Item | None, out: list[Statement]) -> None:
    if current:
        value = "\n".join([current["value"], *current["more"]]).strip()
        out.append(Statement(current["pos"], current["field"], current["label"], value, current["number"]))


def of(statements: list[Statement], *fields: str) -> list[Statement]:
    wanted = set(fields)
    if wanted & {"audit", "certificates"}:
        wanted.add("audit+certificates")
    return [s for s in statements if s.field in wanted]


def latest(candidates: Sequence[tuple[int, T | None]]) -> T | None:
    """The value stated last (by position); None when none is."""
    found = [(pos, value) for pos, value in candidates if value]
    return max(found, key=lambda item: item[0])[1] if found else None
