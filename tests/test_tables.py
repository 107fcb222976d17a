"""Tables of people (name | title | e-mail | phone | role) in text and in HTML."""

from __future__ import annotations

import pytest

from intake_bot.reader.tables import Person, html_tables, people, with_tables_read
from test_reader import mail


def _reps(x) -> list[tuple[str | None, str, bool]]:
    return sorted((r.name, r.email, r.voting) for r in x.representatives)


EXPECTED = [("Ann Lee", "ann@acme.test", True), ("John Roe", "john@acme.test", False)]


def test_a_markdown_table_of_representatives():
    body = (
        "Category: Certificate Issuer\n\nRepresentatives\n\n| Name | Title | E-mail | Role |\n"
        "|------|-------|--------|------|\n| Ann Lee | Head of PKI | ann@acme.test | voting |\n"
        "| John Roe | Compliance Officer | john@acme.test | alternate |\n\nEmergency contact: soc@acme.test\n"
    )
    assert _reps(mail(body)) == EXPECTED


def test_a_tab_separated_table_with_a_yes_no_voting_column():
    body = (
        "Representatives:\nName\tE-mail\tPhone\tVoting\nAnn Lee (CTO)\tann@acme.test\t+44 20 7946 0001\tyes\n"
        "John Roe\tjohn@acme.test\t+44 20 7946 0002\tno\n"
    )
    assert _reps(mail(body)) == EXPECTED


@pytest.mark.parametrize(
    ("header", "yes", "no"),
    [
        ("Imię i nazwisko   Stanowisko    E-mail            Telefon          Głosuje", "tak", "nie"),
        ("Ime i prezime     Funkcija      E-mail            Telefon          Glasuje", "da", "ne"),
        ("Name              Funktion      E-Mail            Telefon          Stimmt ab", "ja", "nein"),
        ("Navn              Titel         E-post            Telefon          Röstar", "ja", "nej"),
    ],
)
def test_a_voting_column_headed_by_a_verb_and_a_dashed_rule(header, yes, no):
    rule = "  ".join("-" * 14 for _ in range(5))
    body = (
        f"Representatives:\n\n{header}\n{rule}\n"
        f"Ann Lee           Director      ann@acme.test     +44 20 7946 0001  {yes}\n"
        f"John Roe          Engineer      john@acme.test    +44 20 7946 0002  {no}\n"
    )
    assert _reps(mail(body)) == EXPECTED


def test_two_columns_of_titles_the_second_says_the_role():
    body = (
        "Representatives:\nName\tPosition\tE-mail\tFunction\n"
        "Ann Lee\tHead of PKI\tann@acme.test\tvoting representative\n"
        "John Roe\tCompliance Officer\tjohn@acme.test\tdeputy representative\n"
    )
    assert _reps(mail(body)) == EXPECTED


def test_space_aligned_columns_without_a_header():
    body = (
        "Our representatives:\n\nAnn Lee     ann@acme.test     voting representative\n"
        "John Roe    john@acme.test    alternate\n"
    )
    assert _reps(mail(body)) == EXPECTED


def test_an_html_table_spread_one_cell_a_paragraph_in_the_text():
    html = (
        "<html><body><p>Here are our representatives.</p><table><tr><th>Name</th><th>Title</th>"
        "<th>E-mail</th><th>Phone</th><th>Role</th></tr><tr><td>Ann Lee</td><td>CTO</td><td>ann@acme.test</td>"
        "<td>+44 20 7946 0001</td><td>Voting representative</td></tr><tr><td>John Roe</td><td>Engineer</td>"
        "<td>john@acme.test</td><td>+44 20 7946 0002</td><td>Alternate</td></tr></table></body></html>"
    )
    text = "Here are our representatives.\n\nName\n\nTitle\n\nE-mail\n\nPhone\n\nRole\n\nAnn Lee\n\nCTO\n\n"
    text += "ann@acme.test\n\n+44 20 7946 0001\n\nVoting representative\n\nJohn Roe\n\nEngineer\n\n"
    text += "john@acme.test\n\n+44 20 7946 0002\n\nAlternate\n"
    assert with_tables_read(text, html).endswith(
        "Representative: Ann Lee <ann@acme.test> (voting)\nRepresentative: John Roe <john@acme.test> (non-voting)\n"
    )


def test_html_tables_whose_people_the_text_does_not_give_add_nobody():
    html = "<table><tr><td>Ann Lee</td><td>ann@acme.test</td><td>voting</td></tr><tr><td>B</td><td>b@acme.test</td><td>x</td></tr></table>"
    assert with_tables_read("Hello, see below.\n", html) == "Hello, see below.\n"


def test_an_emergency_row_is_the_emergency_contact():
    rows = [
        ["Name", "E-mail", "Phone", "Role"],
        ["SOC", "soc@acme.test", "+44 20 7946 0000", "24/7 emergency contact"],
    ]
    assert people(rows) == [Person("SOC", "soc@acme.test", "+44 20 7946 0000", None, True)]


def test_a_label_value_table_is_no_table_of_people():
    body = "Organisation | Acme Ltd\nWebsite | https://acme.test\nVoting representative | Ann Lee, ann@acme.test\n"
    assert with_tables_read(body) == body


def test_hostile_html_is_no_table():
    assert html_tables("<table>" * 5000) == []
    assert html_tables("<table><tr><td>" + "x" * 100 + "\x00</td></tr></table>") == []
