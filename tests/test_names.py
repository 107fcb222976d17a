"""The organisation's name: scored candidates from every source, legal forms kept."""

from __future__ import annotations

import pytest

from intake_bot.reader.legalforms import legal_form
from intake_bot.reader.names import Candidate, Source, agrees_with_domain, choose, rejected
from test_reader import mail


@pytest.mark.parametrize(
    ("name", "form"),
    [
        ("Acme Postal Technologies Ltd", "Ltd"),
        ("Lusitânia Certificação Digital, S.A.", "S.A."),
        ("Wisła Usługi Zaufania Sp. z o.o.", "Sp. z o.o."),
        ("Bundesverband für Sicherheit e.V.", "e.V."),
        ("Nordlys Trust AS", "AS"),
        ("Anatolia Sertifika A.Ş.", "A.Ş."),
        ("Ocean Mail Co., Ltd.", "Co., Ltd."),
        ("株式会社アサギ電子認証", "株式会社"),
        ("주식회사 한빛메일", "주식회사"),
        ("杭州云鹊信息技术有限公司", "有限公司"),
        ("Acme Trust", None),
        ("Ltd", None),
    ],
)
def test_legal_forms_are_data(name, form):
    assert legal_form(name) == form


@pytest.mark.parametrize(
    "text",
    ["Head of PKI Compliance", "Director, Trust Services", "PKI Operations", "Engineering", "With best",
     "Kind regards", "Dear colleagues", "12 Quantum Street, Stellenbosch 7600", "PO Box 7321, Edinburgh EH1 9ZZ",
     "Chief Executive Officer", "the Society", "Geschäftsführer"],
)  # fmt: skip
def test_titles_departments_greetings_signoffs_and_addresses_are_no_names(text):
    assert rejected(text)


def test_a_legal_form_is_kept_and_a_cut_name_lends_its_support():
    candidates = [
        Candidate("Acme", Source.PROSE, 10),
        Candidate("Acme Postal Technologies Ltd", Source.SIGNATURE, 90),
    ]
    assert choose(candidates) == "Acme Postal Technologies Ltd"


def test_a_label_beats_a_later_job_title():
    candidates = [
        Candidate("Harbourlight Messaging Ltd", Source.LABEL, 10),
        Candidate("Finance", Source.TITLE, 50),
    ]
    assert choose(candidates) == "Harbourlight Messaging Ltd"
    assert choose([Candidate("Engineering", Source.TITLE, 50)]) is None


def test_the_senders_domain_decides_between_equals():
    candidates = [
        Candidate("Parent Holdings Ltd", Source.PROSE, 10),
        Candidate("Vale Trust Ltd", Source.PROSE, 5),
    ]
    assert choose(candidates, "valetrust.example.co.uk") == "Vale Trust Ltd"
    assert agrees_with_domain("Society for Privacy and Security of Electronic Mail", "spsem.org")
    assert agrees_with_domain("Cheshire Vale Certification Services PLC", "cheshirevale-cert.co.uk")
    assert not agrees_with_domain("Acme Ltd", "gmail.com")


def test_the_ipr_agreement_supports_but_never_names_alone():
    assert choose([Candidate("Acme Ltd", Source.IPR)]) is None
    both = [Candidate("Acme", Source.PROSE, 5), Candidate("Acme Group Ltd", Source.IPR)]
    assert choose(both) == "Acme Group Ltd"


def test_a_long_name_is_not_cut_at_for_or_of():
    body = (
        "Dear colleagues,\n\nOn behalf of the Society for Privacy and Security of Electronic Mail I would like "
        "to apply as an Interested Party.\n\nWith best wishes,\n\nCecilia\n"
    )
    assert mail(body).organization_name == "Society for Privacy and Security of Electronic Mail"


def test_a_signature_title_and_signoff_are_not_the_name():
    body = (
        "Hello,\n\nNordlys would like to join the S/MIME Certificate Working Group as a Certificate Issuer.\n\n"
        "With best wishes,\nKari Nordmann\nHead of PKI Compliance\nNordlys Trust AS\nMain Street 16, 0150 Oslo\n"
    )
    assert mail(body, sender="Kari Nordmann <kari@nordlystrust.test>").organization_name == "Nordlys Trust AS"


def test_a_signature_alone_names_no_organisation():
    """Every business mail has one: a vendor's pitch must not read as application data."""
    body = (
        "Dear Sir or Madam,\n\nWe offer certified translations to applicants of the Forum.\n\n"
        "Best regards,\nInes Carrasco\nSales Director | Babel Bridge Translations S.L.\n"
    )
    assert mail(body, subject="Translations for applicants").organization_name is None


def test_a_legal_form_after_a_comma_is_kept():
    body = "Cardinal Peak Trust Company, LLC would like to apply for membership as a Certificate Issuer.\n"
    assert mail(body).organization_name == "Cardinal Peak Trust Company, LLC"


def test_the_prose_name_with_its_legal_form_beats_a_department_named_later():
    body = (
        "Cheshire Vale Certification Services PLC operates a publicly-trusted certification authority.\n\n"
        "Our second representative is Seth Colquhoun, Head of PKI Operations (seth@cheshirevale.test).\n"
    )
    assert mail(body).organization_name == "Cheshire Vale Certification Services PLC"


def test_the_subject_supports_the_name():
    x = mail(
        "Hello,\n\nWe would like to join as an Interested Party.\n",
        subject="Interested Party application - Society for Secure Mail",
    )
    assert x.organization_name == "Society for Secure Mail"
