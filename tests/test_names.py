"""The organisation's name: scored candidates from every source, legal forms kept."""

from __future__ import annotations

import pytest

from intake_bot.reader.legalforms import legal_form
from intake_bot.reader.names import Candidate, Source, agrees_with_domain, choose, forms, rejected
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


# ---------------------------------------------------------------- a name written in two forms


@pytest.mark.parametrize(
    ("written", "forms_"),
    [
        ("Kirei Mail K.K. (キレイメール株式会社)", ("Kirei Mail K.K.", "キレイメール株式会社")),
        ("주식회사 바다인증 (Bada Certification Co., Ltd.)", ("Bada Certification Co., Ltd.", "주식회사 바다인증")),
        ("ООО «Северный Ключ» (Severny Klyuch LLC)", ("Severny Klyuch LLC", "ООО «Северный Ключ»")),
        ("Công ty TNHH Phượng Hoàng (Phoenix Mail Co., Ltd.)", ("Công ty TNHH Phượng Hoàng", "Phoenix Mail Co., Ltd.")),
        ("株式会社みなと認証（英文名：Minato Certification K.K.）", ("Minato Certification K.K.", "株式会社みなと認証")),
        ("Nordic Mail Trust Association (NMTA)", ("Nordic Mail Trust Association",)),
        ("Acme Trust (Lisboa)", ("Acme Trust (Lisboa)",)),
    ],
)  # fmt: skip
def test_a_name_with_its_other_form_in_brackets_is_two_forms_the_latin_first(written, forms_):
    assert forms(written) == forms_


def test_the_form_another_source_agrees_with_wins_else_the_default():
    glued = Candidate("주식회사 바다인증 (Bada Certification Co., Ltd.)", Source.LABEL, 10)
    assert choose([glued]) == "Bada Certification Co., Ltd."
    assert choose([glued, Candidate("주식회사 바다인증", Source.SIGNATURE, 90)]) == "주식회사 바다인증"
    vietnamese = Candidate("Công ty TNHH Phượng Hoàng (Phoenix Mail Co., Ltd.)", Source.PROSE, 10)
    assert choose([vietnamese, Candidate("Phoenix Mail Co., Ltd.", Source.IPR)]) == "Phoenix Mail Co., Ltd."


def test_words_of_the_name_in_a_row_agree_with_the_domain():
    assert agrees_with_domain("Fundação Porto Seguro Digital", "portoseguro.example")
    # one short word of the name is too loose a match
    assert not agrees_with_domain("Fundação Porto Seguro Digital", "porto.example")


# ---------------------------------------------------------------- the name only in the layout


def test_a_webmail_signature_whose_company_name_links_to_the_site():
    html = (
        "<p>Olá,</p><p>We would like to join the S/MIME Certificate Working Group as an Interested Party.</p>"
        "<p>Cumprimentos,<br>Tomás Ferreira<br>Engenheiro de Segurança<br>"
        '<a href="https://www.brightwater-mail.test/">Brightwater Mailworks</a><br>+351 21 555 0101</p>'
    )
    found = mail(html, html=True, sender="Tomás Ferreira <tomas@brightwater-mail.test>")
    assert found.organization_name == "Brightwater Mailworks"


def test_a_mailto_link_that_shows_the_organisations_name():
    html = (
        "<p>Hei,</p><p>Vi søker om medlemskap som Certificate Consumer. Spørsmål kan sendes til "
        '<a href="mailto:kontor@solvikdata.test">Solvik Datasikkerhet</a>.</p><p>Hilsen<br>Ola Berg</p>'
    )
    found = mail(html, html=True, sender="Ola Berg <ola@solvikdata.test>")
    assert found.organization_name == "Solvik Datasikkerhet"


def test_an_apple_mail_signature_block_names_the_organisation_by_its_kind():
    body = (
        "Hej,\n\nVi vill ansöka om medlemskap som Interested Party i S/MIME-arbetsgruppen.\n\n"
        "Vänliga hälsningar\nPer Holm\nForskare, avdelningen för nätsäkerhet\nInstitutet för Säker Post\n"
        "Box 123, 114 28 Stockholm\n"
    )
    found = mail(body, sender="Per Holm <per.holm@isp-post.test>")
    assert found.organization_name == "Institutet för Säker Post"


def test_an_outlook_signature_block_names_the_organisation_by_the_senders_domain():
    body = (
        "Dear colleagues,\n\nplease register us as a Certificate Consumer.\n\nKind regards\n\nGrace Okafor\n"
        "Lead Developer | Kestrelpost\nT +234 1 555 0199\n"
    )
    assert mail(body, sender="Grace Okafor <grace@kestrelpost.test>").organization_name == "Kestrelpost"


def test_the_organisation_of_an_attached_contact_card():
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Liis Tamm\r\nN:Tamm;Liis;;;\r\n"
        "ORG:Tallinna Turvapost OÜ;Arendusosakond\r\nEMAIL;TYPE=INTERNET:liis@turvapost.test\r\nEND:VCARD\r\n"
    )
    found = mail(
        "Category: Certificate Consumer\nWeb site: https://turvapost.test\n\nLiis\n",
        sender="Liis Tamm <liis@turvapost.test>",
        attachments=[("Liis Tamm.vcf", "text/vcard", card.encode())],
    )
    assert found.organization_name == "Tallinna Turvapost OÜ"  # the name, not its unit


def test_a_signature_link_names_nothing_in_a_mail_that_does_not_apply():
    html = (
        "<p>Dear Sir or Madam,</p><p>We offer certified translations to applicants of the Forum.</p>"
        '<p>Best regards,<br>Ines Carrasco<br><a href="https://babelbridge.test/">Babel Bridge</a></p>'
    )
    found = mail(html, html=True, subject="Translations", sender="Ines Carrasco <ines@babelbridge.test>")
    assert found.organization_name is None


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("En nombre de la Asociación Ibérica de Correo Seguro solicitamos participar como Parte Interesada.",
         "Asociación Ibérica de Correo Seguro"),
        ("Au nom de l'Association Lumière Numérique, nous souhaitons adhérer en tant que Interested Party.",
         "Association Lumière Numérique"),
        ("Im Namen der Stiftung Sichere Post möchten wir als Interested Party beitreten.", "Stiftung Sichere Post"),
        ("A nome della Fondazione Posta Sicura chiediamo di aderire come Interested Party.",
         "Fondazione Posta Sicura"),
        ("På vegne af Dansk Sikker Post ansøger vi om medlemskab som Interested Party.", "Dansk Sikker Post"),
    ],
)  # fmt: skip
def test_on_behalf_of_in_other_languages_names_the_organisation(sentence, name):
    assert mail(f"{sentence}\n").organization_name == name


def test_a_space_ends_a_name_in_a_script_written_without_spaces():
    body = (
        "■組織名：株式会社ミドリ認証（Midori Certification K.K.）\n■会員区分：Certificate Issuer\n\n"
        "--\n株式会社ミドリ認証\u3000技術部 部長\n"
    )
    assert mail(body, sender="Midori <m@example.test>").organization_name == "株式会社ミドリ認証"


def test_the_senders_own_firm_in_the_signature_does_not_outweigh_the_applicant_the_text_names():
    body = (
        "Dear Sirs,\n\nacting for our client Trzy Zamki Certyfikacja Sp. z o.o. we apply as an Associate "
        "Member.\n\nYours faithfully\n\nadw. Marek Zieliński\nKancelaria Adwokacka Marek Zieliński\n"
        "ul. Długa 5, 00-238 Warszawa\n"
    )
    found = mail(
        body,
        subject="Application - Trzy Zamki Certyfikacja Sp. z o.o.",
        sender="Marek Zielinski <marek@kancelaria-zielinski.test>",
    )
    assert found.organization_name == "Trzy Zamki Certyfikacja Sp. z o.o."


def test_a_sentence_in_the_signature_block_is_no_name():
    body = (
        "Hello,\n\nwe apply as an Interested Party.\n\nKind regards,\nMorag Bell\nOffice Manager\n"
        "Glenlivet Mail Trust is registered in Scotland\n"
    )
    found = mail(body, sender="Morag Bell <morag@glenlivetmail.test>")
    assert found.organization_name is None or " is " not in found.organization_name


@pytest.mark.parametrize(
    ("written", "first"),
    [
        ("Hoa Sen Secure Mail JSC (Công ty Cổ phần Thư An toàn Hoa Sen)", "Hoa Sen Secure Mail JSC"),
        ("Bosphorus Posta A.Ş. (Boğaziçi Posta Anonim Şirketi)", "Bosphorus Posta A.Ş."),
    ],
)
def test_a_legal_name_and_its_translation_in_brackets_are_two_forms(written, first):
    assert forms(written)[0] == first and len(forms(written)) == 2
