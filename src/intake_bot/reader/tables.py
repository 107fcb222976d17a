"""Tables of people (name | title | e-mail | phone | role), in text and in HTML.

Applicants list their representatives in tables: Markdown pipes, tab- or space-aligned columns,
HTML tables (which Outlook's plain text writes one cell per paragraph). The readers read lines,
so each person of such a table becomes one line they know: 'Representative: Jane Doe
<jane@acme.example> (voting)', or 'Emergency contact: ...' for a row whose role is the emergency
contact. Columns are found by their header (words in several languages, data below) or, without
one, by what the cells hold. A table is three to six columns wide and has an address in a row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..parse import html_tree
from .contacts import emails_in, is_name_word, phone_in
from .emergency import emergency_mention
from .representatives import says_voting

MAX_ROWS = 60
MAX_HTML = 2_000_000  # characters of HTML searched for tables
MIN_COLUMNS, MAX_COLUMNS = 3, 6

# Header words per column, in the languages applicants write (whole cell, case-insensitive).
_HEADERS: dict[str, re.Pattern[str]] = {
    "email": re.compile(
        r"e-?mail|mail|e-?post|e-?posta|correo|courriel|adres e-mail|adresse e-mail|e-mailadres|"
        r"indirizzo e-mail|이메일|메일|メール(?:アドレス)?|电子邮件|邮箱|電子郵件",
        re.I,
    ),
    "phone": re.compile(
        r"phone|tel(?:ephone|efon|efoon|éphone|efone|éfono|efono)?\.?|mobile|cell|handy|mobil|numer telefonu|"
        r"電話(?:番号)?|전화(?:번호)?|电话",
        re.I,
    ),
    "name": re.compile(
        r"(?:full\s+)?name|naam|nom|nome|nombre|namn|navn|nimi|imię(?: i nazwisko)?|jméno|ad(?:ı)? soyad(?:ı)?|"
        r"ime(?: i prezime)?|이름|성명|氏名|名前|姓名",
        re.I,
    ),
    "title": re.compile(
        r"(?:job\s+)?title|position|function|functie|fonction|funzione|función|função|funktion|titel|"
        r"stanowisko|funkce|unvan|görev|cargo|직함|직위|役職|职位|職位",
        re.I,
    ),
    "role": re.compile(
        r"role|rol|rôle|rolle|roll|ruolo|papel|rola|úloha|역할|役割|角色",
        re.I,
    ),
}
_YES = re.compile(r"yes|y|x|✓|✔|ja|jep|oui|sí|si|sim|tak|ano|evet|da|kyllä|igen|はい|○|예|네|是", re.I)
_NO = re.compile(r"no|n|nein|nee|nej|non|não|nie|ne|hayır|ei|nem|いいえ|아니(?:오|요)|否|[-–—]", re.I)
# '|---|:--|' or '-----  -----' (a rule under space-aligned headers); one separator between runs of dashes.
# Possessive: a line of blanks must not be split between two runs of optional blanks in every way.
_SEPARATOR = re.compile(r"^\s*+\|?\s*+:?-{2,}+:?(?:(?:\s++|\s*+[|+]\s*+):?-{2,}+:?)*+\s*+\|?\s*+$")
_ALIGNED = re.compile(r"\t+|\s{2,}")


@dataclass(frozen=True)
class Person:
    name: str | None
    email: str
    phone: str | None = None
    voting: bool | None = None  # None: the row does not say
    emergency: bool = False


# ---------------------------------------------------------------- finding tables


def text_tables(text: str) -> list[tuple[int, int, list[list[str]]]]:
    """(first line, line after the last, rows of cells) of each table written in the text."""
    lines = text.split("\n")
    found = []
    index = 0
    while index < len(lines):
        start = index
        rows: list[list[str]] = []
        width = 0
        while index < len(lines) and len(rows) < MAX_ROWS:
            cells = _cells(lines[index])
            if cells is None and _SEPARATOR.match(lines[index]) and rows:
                index += 1
                continue
            if cells is None or (width and len(cells) != width):
                break
            width = len(cells)
            rows.append(cells)
            index += 1
        if len(rows) >= 2 and any(emails_in(" ".join(row)) for row in rows):
            found.append((start, index, rows))
        index = max(index, start + 1)
    return found


def _cells(line: str) -> list[str] | None:
    stripped = line.strip()
    if stripped.count("|") >= 2:
        cells = [c.strip(" *_") for c in stripped.strip("|").split("|")]
    elif "\t" in stripped or "  " in stripped:
        cells = [c.strip(" *_") for c in _ALIGNED.split(stripped)]
    else:
        return None
    return cells if MIN_COLUMNS <= len(cells) <= MAX_COLUMNS else None


def html_tables(html: str) -> list[list[list[str]]]:
    """The rows of each HTML table three to six cells wide (the innermost tables: layouts nest)."""
    if "<table" not in html.lower()[:MAX_HTML]:
        return []
    try:
        tree = html_tree(html[:MAX_HTML])
        tables = []
        for table in tree.iter("table"):
            if table.find(".//table") is not None:
                continue
            rows = []
            for row in table.iter("tr"):
                cells = [" ".join(cell.text_content().split()) for cell in row if cell.tag in ("td", "th")]
                if MIN_COLUMNS <= len(cells) <= MAX_COLUMNS:
                    rows.append(cells)
                if len(rows) >= MAX_ROWS:
                    break
            if len(rows) >= 2:
                tables.append(rows)
        return tables
    except MemoryError:  # the worker's limit: never swallowed
        raise
    except (Exception, RecursionError):  # lxml on hostile markup: no tables
        return []


# ---------------------------------------------------------------- reading a table


def people(rows: list[list[str]]) -> list[Person]:
    """Each row with an address, read by the header's columns (else by what the cells hold)."""
    columns = _columns(rows[0])
    body = rows[1:] if columns else rows
    found = []
    for row in body:
        addresses = emails_in(" ".join(row))
        if not addresses:
            continue
        found.append(_person(row, columns or _columns_by_content(row), addresses[0][2]))
    return found


def _columns(header: list[str]) -> dict[str, int]:
    """Column kind -> index, when the row is a header (names at least the e-mail or name column)."""
    if emails_in(" ".join(header)):
        return {}
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        plain = cell.strip(" :*_").lower()
        kind = next((k for k, pattern in _HEADERS.items() if pattern.fullmatch(plain)), None)
        if kind is None and says_voting(plain) is not None:
            kind = "voting"
        if kind in _TITLE_OR_ROLE and kind in columns:  # 'Cargo' then 'Función': the second says the role
            kind = _TITLE_OR_ROLE[kind]
        if kind and kind not in columns:
            columns[kind] = index
    return columns if {"email", "name"} & set(columns) and len(columns) >= 2 else {}


_TITLE_OR_ROLE = {"title": "role", "role": "title"}


def _columns_by_content(row: list[str]) -> dict[str, int]:
    """Without a header: the address, the phone number, a person's name; the rest says the role."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(row):
        if "email" not in columns and emails_in(cell):
            columns["email"] = index
        elif "phone" not in columns and phone_in(cell) and len(re.sub(r"[\d\s()+./-]", "", cell)) <= 3:
            columns["phone"] = index
        elif "name" not in columns and _is_person(cell):
            columns["name"] = index
        else:
            columns["title" if "role" in columns else "role"] = index
    return columns


def _is_person(cell: str) -> bool:
    words = re.sub(r"\s*[(（][^()（）]*[)）]", "", cell).split()
    return 1 <= len(words) <= 5 and all(is_name_word(word) for word in words)


def _person(row: list[str], columns: dict[str, int], email: str) -> Person:
    def cell(kind: str) -> str:
        index = columns.get(kind)
        return row[index] if index is not None and index < len(row) else ""

    name = re.sub(r"\s*[(（][^()（）]*[)）]", "", cell("name")).strip() or None
    if name and emails_in(name):
        name = None
    role = " ".join(filter(None, (cell("role"), cell("title"))))
    voting = _yes_no(cell("voting")) if "voting" in columns else None
    if voting is None:
        voting = says_voting(role) if role else None
    return Person(
        name=name,
        email=email,
        phone=phone_in(cell("phone")) if "phone" in columns else None,
        voting=voting,
        emergency=bool(role and emergency_mention(role)),
    )


def _yes_no(text: str) -> bool | None:
    plain = text.strip(" .!*_").lower()
    if _YES.fullmatch(plain):
        return True
    if _NO.fullmatch(plain):
        return False
    return says_voting(plain) if plain else None


# ---------------------------------------------------------------- as lines the readers know


def line_of(person: Person) -> str:
    who = f"{person.name} <{person.email}>" if person.name else person.email
    if person.emergency:
        return f"Emergency contact: {who}" + (f", {person.phone}" if person.phone else "")
    vote = {True: " (voting)", False: " (non-voting)", None: ""}[person.voting]
    return f"Representative: {who}{vote}"


def with_tables_read(body: str, html: str = "") -> str:
    """The body with each table of people written as lines the readers know: text tables in place,
    HTML tables (the text of Outlook's HTML mail spreads them one cell a paragraph) at the end, for
    the people whose addresses the body itself gives (so quoted HTML adds nobody)."""
    if "|" in body or "\t" in body or "  " in body:
        lines = body.split("\n")
        for start, end, rows in reversed(text_tables(body)):
            found = people(rows)
            if found:
                lines[start:end] = [line_of(person) for person in found]
        body = "\n".join(lines)
    if html and "@" in body:
        known = body.lower()
        extra = [
            line_of(person)
            for rows in html_tables(html)
            for person in people(rows)
            if person.email in known and f"<{person.email}>" not in known
        ]
        if extra:
            body = body.rstrip("\n") + "\n\n" + "\n".join(dict.fromkeys(extra)) + "\n"
    return body
