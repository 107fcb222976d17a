"""The lexicon (reader/lexicon/*.toml): labels, category names and words in many languages, as data."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest

from intake_bot.classify import application_verdict
from intake_bot.parse import parse_email
from intake_bot.reader import read
from intake_bot.reader.categories import category_in_prose, category_in_value
from intake_bot.reader.lexicon import LEXICON, compile_terms, load
from intake_bot.reader.statements import classify_label
from intake_bot.records import Category, Disposition


def parsed(body: str, subject: str = "Application", sender: str = "Ana Lima <ana@example.test>"):
    msg = EmailMessage(policy=SMTP)
    msg["From"] = sender
    msg["To"] = "questions@cabforum.org"
    msg["Subject"] = subject
    msg["Message-ID"] = "<lexicon@example.test>"
    msg.set_content(body, charset="utf-8")
    return parse_email(msg.as_bytes())


def test_every_language_has_every_section():
    assert {"en", "de", "fr", "es", "it", "nl", "pt", "pl", "cs", "ja", "zh", "ko", "tr", "sv"} | {
        case[0] for case in APPLICATIONS_IN_MORE_LANGUAGES
    } <= set(LEXICON.languages)
    for path in Path(load.__code__.co_filename).parent.glob("*.toml"):
        text = path.read_text("utf-8")
        for section in ("[labels]", "[categories]", "[words]"):
            assert section in text, f"{path.name} lacks {section}"


def test_an_unknown_key_is_refused(tmp_path):
    (tmp_path / "xx.toml").write_text('[words]\nvotes = ["x"]\n')
    with pytest.raises(ValueError, match="unknown"):
        load(tmp_path)


def test_term_syntax():

    assert compile_terms(["*kategorie"]).search("Mitgliedskategorie")
    assert not compile_terms(["kategorie"]).search("Mitgliedskategorie")
    assert compile_terms(["site web"]).search("site   web")
    assert compile_terms(["会員区分"]).search("■ 会員区分：")  # no word boundaries in Japanese


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("Mitgliedskategorie", "category"),
        ("■ 会員区分", "category"),
        ("会员类别", "category"),
        ("회원 구분", "category"),
        ("Kategoria członkostwa", "category"),
        ("Üyelik kategorisi", "category"),
        ("Nazwa organizacji", "organization"),
        ("組織名", "organization"),
        ("Kuruluş adı", "organization"),
        ("Strona internetowa", "website"),
        ("홈페이지", "website"),
        ("Sitio web", "website"),
        ("Przedstawiciele", "representatives"),
        ("代表者", "representatives"),
        ("Vertegenwoordigers", "representatives"),
        ("Kontakt awaryjny", "emergency"),
        ("緊急連絡先", "emergency"),
        ("Nouzový kontakt pro bezpečnostní incidenty", "emergency"),
        ("Raport z audytu", "audit"),
        ("監査報告書", "audit"),
        ("Przykładowe certyfikaty", "certificates"),
        ("IPR契約書", "ipr"),
        ("Dohoda o IPR", "ipr"),
        ("申請單位", "organization"),
        # Romanian written with the cedilla letters older keyboards give (ş ţ for ș ț)
        ("Reprezentanți", "representatives"),
        ("Reprezentanţi", "representatives"),
        # a deputy's label alone is a part of the representatives statement before it, as 'Deputy:' is
        ("Zastępca", "sub"),
        ("Suplente", "sub"),
    ],
)
def test_labels_in_other_languages(label, field):
    assert classify_label(label) == field


@pytest.mark.parametrize(
    ("value", "category"),
    [
        ("Wystawca certyfikatów (Certificate Issuer)", Category.CERTIFICATE_ISSUER),
        ("証明書発行者（Certificate Issuer）", Category.CERTIFICATE_ISSUER),
        ("spotřebitel certifikátů", Category.CERTIFICATE_CONSUMER),
        ("인증서 소비자", Category.CERTIFICATE_CONSUMER),
        ("Parte interessada", Category.INTERESTED_PARTY),
        ("利益相关方", Category.INTERESTED_PARTY),
        ("assoziiertes Mitglied", Category.ASSOCIATE_MEMBER),
        ("Sertifika Sağlayıcı", Category.CERTIFICATE_ISSUER),
    ],
)
def test_category_names_in_other_languages(value, category):
    assert category_in_value(value) == category


def test_category_in_prose_of_other_languages():
    assert category_in_prose("Nous souhaitons adhérer en tant que Certificate Consumer.") == (
        Category.CERTIFICATE_CONSUMER
    )
    assert category_in_prose("弊社は証明書発行者として入会を申請いたします。") == Category.CERTIFICATE_ISSUER
    assert category_in_prose("Wir möchten als assoziiertes Mitglied beitreten.") == Category.ASSOCIATE_MEMBER


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "Uprzejmie prosimy o przyjęcie naszej firmy do grupy roboczej ds. S/MIME w kategorii Interested Party.",
            Category.INTERESTED_PARTY,
        ),
        (
            "Naše společnost tímto žádá o přijetí do pracovní skupiny CA/Browser Fóra pro S/MIME v kategorii "
            "Certificate Consumer.",
            Category.CERTIFICATE_CONSUMER,
        ),
        (
            "Molimo da našu tvrtku primite u radnu skupinu CA/Browser Foruma za S/MIME u kategoriji "
            "Certificate Issuer.",
            Category.CERTIFICATE_ISSUER,
        ),
        (
            "Our company, founded in 1998 and based in Leeds, asks to be admitted in the category Certificate "
            "Issuer.",
            Category.CERTIFICATE_ISSUER,
        ),
    ],
)
def test_a_category_named_after_the_word_for_category_is_stated(text, category):
    assert category_in_prose(text) == category


@pytest.mark.parametrize(
    "text",
    [
        "Wir beraten bei der Wahl der Kategorie (Certificate Issuer, Certificate Consumer oder Interested Party).",
        "Choosing a category (Certificate Issuer / Certificate Consumer / Interested Party) is part of our service.",
        "会員区分（Certificate Issuer・Interested Party）の判断をお手伝いします。",
    ],
)
def test_a_list_of_categories_states_none(text):
    assert category_in_prose(text) is None


def test_a_change_of_category_denies_the_old_one_in_any_language():
    assert (
        category_in_prose("desideriamo aderire come Interested Party e non come Certificate Issuer.")
        == Category.INTERESTED_PARTY
    )
    assert (
        category_in_prose("Certificate Issuer yerine Interested Party olarak katılmak istiyoruz.")
        == Category.INTERESTED_PARTY
    )
    assert category_in_prose("Chcemy dołączyć jako Certificate Consumer zamiast Associate Member.") == (
        Category.CERTIFICATE_CONSUMER
    )
    # 'from' the old one: written after it in Korean, before it in Chinese
    assert category_in_prose("회원 구분을 Associate Member로, Certificate Consumer에서 바꾸고 싶습니다.") == (
        Category.ASSOCIATE_MEMBER
    )
    assert category_in_prose("我们申请以Associate Member身份加入，从Certificate Consumer变更。") == (
        Category.ASSOCIATE_MEMBER
    )


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Nous adhérerons finalement comme Interested Party, plutôt que comme Certificate Consumer.", "ip"),
        ("Queremos unirnos como Associate Member en lugar de como Certificate Issuer.", "am"),
        ("Preferiamo aderire come Interested Party invece che come Certificate Issuer.", "ip"),
        ("Wir treten als Interested Party bei, anstatt als Certificate Issuer.", "ip"),
        ("We'd join as an Interested Party rather than as a Certificate Issuer.", "ip"),
    ],
)
def test_a_category_denied_with_the_word_for_as_between(text, category):
    expected = {"ip": Category.INTERESTED_PARTY, "am": Category.ASSOCIATE_MEMBER}[category]
    assert category_in_prose(text) == expected


GERMAN = """Sehr geehrte Damen und Herren,

hiermit beantragen wir die Mitgliedschaft in der S/MIME Certificate Working Group.

Mitgliedskategorie: Zertifikatsaussteller
Name der Organisation: Beispiel Vertrauensdienste GmbH
Webseite: https://www.beispiel-vd.test
Stimmberechtigter Vertreter: Anna Schmidt <anna.schmidt@beispiel-vd.test>
Stellvertreter: Jonas Weber <jonas.weber@beispiel-vd.test>
Notfallkontakt: pki-notfall@beispiel-vd.test, +49 30 5550 1234
"""


def test_a_german_application_is_read_and_recognised():
    p = parsed(GERMAN, subject="Antrag auf Mitgliedschaft")
    found = read(p)
    assert found.category == Category.CERTIFICATE_ISSUER
    assert found.organization_name == "Beispiel Vertrauensdienste GmbH"
    assert found.website_url == "https://www.beispiel-vd.test"
    assert [(r.email, r.voting) for r in found.representatives] == [
        ("anna.schmidt@beispiel-vd.test", True),
        ("jonas.weber@beispiel-vd.test", False),
    ]
    assert found.emergency_contact and found.emergency_contact.email == "pki-notfall@beispiel-vd.test"
    assert application_verdict(p, found).disposition is Disposition.APPLICATION


def test_cjk_prose_without_spaces():
    body = (
        "我们希望以利益相关方身份申请加入S/MIME证书工作组。\n\n"
        "组织名称：示例信息技术有限公司\n公司网站：https://www.example-zh.test\n"
    )
    p = parsed(body, subject="申请加入SMCWG")
    found = read(p)
    assert found.category == Category.INTERESTED_PARTY
    assert found.organization_name == "示例信息技术有限公司"
    assert found.website_url == "https://www.example-zh.test"
    assert application_verdict(p, found).disposition is Disposition.APPLICATION


@pytest.mark.parametrize(
    ("body", "category"),
    [
        ("We operate a publicly trusted CA issuing S/MIME certificates and would like to join.", "ci"),
        (
            "Wir betreiben eine öffentlich vertrauenswürdige Zertifizierungsstelle und möchten beitreten.",
            "ci",
        ),
        ("Sviluppiamo un client di posta che verifica le firme S/MIME. Chiediamo l'adesione.", "cc"),
        ("A empresa opera um serviço de webmail que processa certificados S/MIME.", "cc"),
        # inflected forms: Turkish case endings, a German plural, a Swedish definite form
        ("Firmamız masaüstü için e-posta istemci yazılımı üretiyor ve üyelik başvurusu yapıyor.", "cc"),
        ("Ekibimiz e-posta istemcimizi geliştiriyor; üye olmak istiyoruz.", "cc"),
        ("Wir entwickeln E-Mail-Clients für Behörden und möchten beitreten.", "cc"),
        ("Vi utvecklar e-postklienten Brev och vill ansöka om medlemskap.", "cc"),
        ("Şirketimiz S/MIME sertifikaları yayımlıyor; üyelik başvurusu yapıyoruz.", "ci"),
        # both definitions fit: no category
        ("We operate a certification authority and also develop a mail client; we would like to join.", None),
        # a definition denied fits nothing
        ("Our webmail service verifies S/MIME signatures. We do not run a certificate authority.", "cc"),
        ("Wir entwickeln einen Mail-Client und betreiben keine Zertifizierungsstelle.", "cc"),
        # planned, not yet so: no category
        (
            "Our certification authority plans to issue S/MIME certificates in 2027; we want to join now.",
            None,
        ),
        # a name given, though undecided: the description does not decide instead
        (
            "We run a certification authority. We are not sure which membership category applies to us: "
            "perhaps Associate Member, or Interested Party until we become a Certificate Issuer?",
            None,
        ),
    ],
)
def test_a_category_described_counts_only_when_one_definition_fits(body, category):
    expected = {"ci": Category.CERTIFICATE_ISSUER, "cc": Category.CERTIFICATE_CONSUMER, None: None}[category]
    assert read(parsed(f"Hello,\n\n{body}\n\nRegards\n", subject="SMCWG")).category == expected


def test_a_description_in_a_reply_changes_nothing():
    p = parsed("Hello,\n\nWe develop a mail client.\n", subject="Re: [SMCWG-2026-0001] SMCWG")
    assert read(p).category is None


def test_a_later_change_of_category_wins_and_a_plan_for_later_does_not():
    body = (
        "Gentili signori,\n\ndesideriamo aderire come Interested Party e non come Certificate Issuer. "
        "Presenteremo una nuova domanda come Certificate Issuer dopo l'audit di marzo.\n\n"
        "Cordiali saluti,\nValeria\n\n"
        "Da: CA/Browser Forum <questions@cabforum.org>\nInviato: mercoledì 2 dicembre 2026 16:07\n"
        "A: Valeria <valeria@torre.test>\nOggetto: [SMCWG-2026-0001] Application\n\n"
        "Emergency contact: soc@torre.test, +39 051 555 0199\nCategory: Certificate Issuer\n"
    )
    found = read(parsed(body, subject="R: [SMCWG-2026-0001] Application"))
    assert found.category == Category.INTERESTED_PARTY
    assert found.emergency_contact is None  # quoted under an Italian reply header: old text


def test_certificate_issuer_is_no_certificate_issue():
    body = "Hello,\n\nWe would like to change our category to Certificate\nIssuer (see ETSI EN 319 411-1).\n"
    assert read(parsed(body, subject="Re: [SMCWG-2026-0001] x")).emergency_contact is None


def test_a_table_marks_the_vote_in_its_own_cell():
    body = (
        "Hello,\n\nWe apply as a Certificate Issuer.\n\nVertegenwoordigers:\n"
        "| Joris Verbeek | Hoofd PKI | joris@zilver.test | stemgerechtigd |\n"
        "| Lotte Smits | Compliance | lotte@zilver.test | plaatsvervanger |\n"
    )
    reps = read(parsed(body, subject="SMCWG")).representatives
    assert [(r.email, r.voting) for r in reps] == [("joris@zilver.test", True), ("lotte@zilver.test", False)]


@pytest.mark.parametrize(
    ("body", "organization", "website"),
    [
        (
            "【会社名】さくら証明サービス株式会社\n【ホームページ】https://sakura.example\n",
            "さくら証明サービス株式会社",
            "https://sakura.example",
        ),
        (
            "［机构名称］示例科技有限公司\n［网站］https://www.shili.example\n",
            "示例科技有限公司",
            "https://www.shili.example",
        ),
        (
            "[Organisation] Acme Widgets Ltd\n[Website] https://acme-widgets.example\n",
            "Acme Widgets Ltd",
            "https://acme-widgets.example",
        ),
    ],
)
def test_a_label_in_brackets_before_its_value(body, organization, website):
    found = read(parsed(f"{body}\nCategory: Certificate Consumer\n", subject="SMCWG"))
    assert (found.organization_name, found.website_url) == (organization, website)


def _terms(section: str, key: str) -> list[str]:
    import tomllib

    folder = Path(load.__code__.co_filename).parent
    return [
        term
        for path in sorted(folder.glob("*.toml"))
        for term in tomllib.loads(path.read_text("utf-8")).get(section, {}).get(key, [])
    ]


def test_every_sign_off_ends_the_text_and_names_no_organisation():
    from intake_bot.body import strip_signature
    from intake_bot.reader.names import rejected

    for term in _terms("words", "sign_off"):
        assert (
            strip_signature(f"We apply.\n\n{term},\nJane Roe\nAcme Widgets Ltd\n").rstrip() == "We apply."
        ), term
        assert rejected(term) and rejected(f"{term} Acme Widgets Ltd"), term
    for term in _terms("words", "greeting"):
        assert rejected(f"{term} Acme Widgets Ltd"), term


def test_every_reply_header_ends_the_new_text():
    from intake_bot.body import strip_quoted

    for sender in _terms("reply", "from"):
        for field in _terms("reply", "fields"):
            text = f"New text.\n\n{sender}: Jane Roe <jane@acme.example>\n{field}: x\n\nOld text.\n"
            assert strip_quoted(text).rstrip() == "New text.", (sender, field)
    for opening, verb in _terms("reply", "attribution"):
        text = f"New text.\n\n{opening} 1.12.2026 Jane Roe {verb}:\nOld text.\n"
        assert strip_quoted(text).rstrip() == "New text.", (opening, verb)


# Short applications in the languages added after the first fourteen: labels, category names, the vote and
# the emergency contact as a native writer puts them, and a signature with a legal form and a sign-off.
# (language, sender, subject, body, category, organisation, web site, representatives, emergency contact)
APPLICATIONS_IN_MORE_LANGUAGES = [
    (
        "da",
        "Mette Kjær <mette.kjaer@nordsigil.test>",
        "Ansøgning om medlemskab i S/MIME-arbejdsgruppen",
        """Kære CA/Browser Forum,

Vi ansøger hermed om medlemskab af S/MIME Certificate Working Group som certifikatudsteder.

Medlemskategori: Certifikatudsteder
Virksomhedens navn: Nordsigil Tillidstjenester A/S
Hjemmeside: https://www.nordsigil.test
Stemmeberettiget repræsentant: Mette Kjær <mette.kjaer@nordsigil.test>
Suppleant: Rasmus Holm <rasmus.holm@nordsigil.test>
Nødkontakt: pki-beredskab@nordsigil.test, +45 33 12 34 56

IPR-aftalen er underskrevet og vedhæftet.

Med venlig hilsen
Mette Kjær
Leder af PKI-drift
Nordsigil Tillidstjenester A/S
""",
        "certificate_issuer",
        "Nordsigil Tillidstjenester A/S",
        "https://www.nordsigil.test",
        [("mette.kjaer@nordsigil.test", True), ("rasmus.holm@nordsigil.test", False)],
        "pki-beredskab@nordsigil.test",
    ),
    (
        "nb",
        "Ingrid Berg <ingrid.berg@fjordpost.test>",
        "Søknad om medlemskap",
        """Hei,

Vi ønsker å bli medlem av S/MIME-arbeidsgruppen som sertifikatforbruker. Vi utvikler e-postklienten Fjordpost.

Organisasjonsnavn: Fjordpost AS
Nettside: https://fjordpost.test
Representanter:
- Ingrid Berg, ingrid.berg@fjordpost.test (stemmeberettiget)
- Ola Nordmann, ola.nordmann@fjordpost.test (vara)
Nødkontakt: sikkerhet-vakt@fjordpost.test, +47 22 33 44 55

Vennlig hilsen
Ingrid Berg
Produktsjef, Fjordpost AS
""",
        "certificate_consumer",
        "Fjordpost AS",
        "https://fjordpost.test",
        [("ingrid.berg@fjordpost.test", True), ("ola.nordmann@fjordpost.test", False)],
        "sikkerhet-vakt@fjordpost.test",
    ),
    (
        "fi",
        "Aino Virtanen <aino.virtanen@revontuli.test>",
        "Jäsenhakemus: S/MIME-työryhmä",
        """Hyvä vastaanottaja,

Haemme jäsenyyttä S/MIME-työryhmään kiinnostuneena osapuolena.

Organisaation nimi: Revontuli Turvallisuus Oy
Verkkosivusto: https://www.revontuli.test
Äänivaltainen edustaja: Aino Virtanen <aino.virtanen@revontuli.test>
Varaedustaja: Mikko Laine <mikko.laine@revontuli.test>
Hätäyhteyshenkilö: tietoturva-paivystys@revontuli.test, +358 9 1234 5678

Ystävällisin terveisin
Aino Virtanen
Tietoturvajohtaja
Revontuli Turvallisuus Oy
""",
        "interested_party",
        "Revontuli Turvallisuus Oy",
        "https://www.revontuli.test",
        [("aino.virtanen@revontuli.test", True), ("mikko.laine@revontuli.test", False)],
        "tietoturva-paivystys@revontuli.test",
    ),
    (
        "el",
        "Νίκος Παπαδόπουλος <n.papadopoulos@aigaio-trust.test>",
        "Αίτηση ένταξης στην ομάδα εργασίας S/MIME",
        """Αξιότιμοι κύριοι,

Με το παρόν υποβάλλουμε αίτηση ένταξης στην ομάδα εργασίας S/MIME ως εκδότης πιστοποιητικών.

Κατηγορία μέλους: Εκδότης πιστοποιητικών (Certificate Issuer)
Επωνυμία: Aigaio Trust Services A.E.
Ιστότοπος: https://www.aigaio-trust.test
Εκπρόσωπος με δικαίωμα ψήφου: Νίκος Παπαδόπουλος <n.papadopoulos@aigaio-trust.test>
Αναπληρωτής εκπρόσωπος: Ελένη Γεωργίου <e.georgiou@aigaio-trust.test>
Επαφή έκτακτης ανάγκης: soc-24x7@aigaio-trust.test, +30 210 555 0100

Με εκτίμηση,
Νίκος Παπαδόπουλος
Διευθυντής Συμμόρφωσης
Aigaio Trust Services A.E.
""",
        "certificate_issuer",
        "Aigaio Trust Services A.E.",
        "https://www.aigaio-trust.test",
        [("n.papadopoulos@aigaio-trust.test", True), ("e.georgiou@aigaio-trust.test", False)],
        "soc-24x7@aigaio-trust.test",
    ),
    (
        "hu",
        "Kovács Eszter <eszter.kovacs@dunahitel.test>",
        "Csatlakozási kérelem – S/MIME munkacsoport",
        """Tisztelt CA/Browser Fórum!

Szervezetünk tanúsítványkibocsátóként szeretne csatlakozni az S/MIME munkacsoporthoz.

Tagsági kategória: Tanúsítványkibocsátó
Szervezet neve: Dunahitel Bizalmi Szolgáltató Zrt.
Weboldal: https://dunahitel.test
Szavazó képviselő: Kovács Eszter <eszter.kovacs@dunahitel.test>
Helyettes képviselő: Nagy Péter <peter.nagy@dunahitel.test>
Vészhelyzeti kapcsolattartó: ugyelet-pki@dunahitel.test, +36 1 555 0123

Üdvözlettel:
Kovács Eszter
megfelelőségi vezető
Dunahitel Bizalmi Szolgáltató Zrt.
""",
        "certificate_issuer",
        "Dunahitel Bizalmi Szolgáltató Zrt.",
        "https://dunahitel.test",
        [("eszter.kovacs@dunahitel.test", True), ("peter.nagy@dunahitel.test", False)],
        "ugyelet-pki@dunahitel.test",
    ),
    (
        "ro",
        "Andrei Popescu <andrei.popescu@carpatmail.test>",
        "Cerere de aderare la grupul de lucru S/MIME",
        """Stimate doamne și domni,

Dorim să aderăm la grupul de lucru S/MIME în calitate de membru asociat.

Categoria de membru: Membru asociat
Denumirea organizației: CarpatMail Software S.R.L.
Site web: https://www.carpatmail.test
Reprezentant cu drept de vot: Andrei Popescu <andrei.popescu@carpatmail.test>
Reprezentant supleant: Ioana Dumitrescu <ioana.dumitrescu@carpatmail.test>
Contact de urgență: securitate-urgente@carpatmail.test, +40 21 555 0199

Cu stimă,
Andrei Popescu
Director tehnic, CarpatMail Software S.R.L.
""",
        "associate_member",
        "CarpatMail Software S.R.L.",
        "https://www.carpatmail.test",
        [("andrei.popescu@carpatmail.test", True), ("ioana.dumitrescu@carpatmail.test", False)],
        "securitate-urgente@carpatmail.test",
    ),
    (
        "sk",
        "Martin Horváth <martin.horvath@tatrasign.test>",
        "Žiadosť o členstvo v pracovnej skupine S/MIME",
        """Dobrý deň,

týmto žiadame o členstvo v pracovnej skupine S/MIME ako spotrebiteľ certifikátov.

Názov organizácie: TatraSign s.r.o.
Webové sídlo: https://tatrasign.test
Hlasujúci zástupca: budem to ja, martin.horvath@tatrasign.test
Ďalší zástupca: Zuzana Kováčová <zuzana.kovacova@tatrasign.test>
Núdzový kontakt: bezpecnost-pohotovost@tatrasign.test, +421 2 5555 0100

S pozdravom
Martin Horváth
vedúci vývoja, TatraSign s.r.o.
""",
        "certificate_consumer",
        "TatraSign s.r.o.",
        "https://tatrasign.test",
        [("martin.horvath@tatrasign.test", True), ("zuzana.kovacova@tatrasign.test", False)],
        "bezpecnost-pohotovost@tatrasign.test",
    ),
    (
        "sl",
        "Maja Novak <maja.novak@triglavsign.test>",
        "Prošnja za včlanitev v delovno skupino S/MIME",
        """Spoštovani,

v imenu našega podjetja vlagamo prošnjo za članstvo v delovni skupini S/MIME kot izdajatelj potrdil.

Kategorija članstva: izdajatelj potrdil (Certificate Issuer)
Naziv podjetja: Triglav Sign d.o.o.
Spletna stran: https://www.triglavsign.test
Predstavnik z glasovalno pravico: Maja Novak <maja.novak@triglavsign.test>
Namestnik: Luka Kranjc <luka.kranjc@triglavsign.test>
Kontakt za nujne primere: varnost-dezurstvo@triglavsign.test, +386 1 555 0100

Lep pozdrav,
Maja Novak
vodja skladnosti, Triglav Sign d.o.o.
""",
        "certificate_issuer",
        "Triglav Sign d.o.o.",
        "https://www.triglavsign.test",
        [("maja.novak@triglavsign.test", True), ("luka.kranjc@triglavsign.test", False)],
        "varnost-dezurstvo@triglavsign.test",
    ),
    (
        "et",
        "Kadri Tamm <kadri.tamm@saaremail.test>",
        "Liikmeks astumise taotlus",
        """Tere,

Soovime liituda S/MIME töörühmaga sertifikaatide kasutajana: arendame e-posti klienti SaareMail.

Ettevõtte nimi: SaareMail OÜ
Veebileht: https://saaremail.test
Hääleõiguslik esindaja: Kadri Tamm <kadri.tamm@saaremail.test>
Asendaja: Peeter Kask <peeter.kask@saaremail.test>
Hädaabikontakt: turva-valve@saaremail.test, +372 600 1234

Lugupidamisega
Kadri Tamm
tootejuht, SaareMail OÜ
""",
        "certificate_consumer",
        "SaareMail OÜ",
        "https://saaremail.test",
        [("kadri.tamm@saaremail.test", True), ("peeter.kask@saaremail.test", False)],
        "turva-valve@saaremail.test",
    ),
    (
        "lv",
        "Jānis Bērziņš <janis.berzins@daugavatrust.test>",
        "Pieteikums dalībai S/MIME darba grupā",
        """Labdien!

Vēlamies pievienoties S/MIME darba grupai kā ieinteresētā puse.

Organizācijas nosaukums: Daugava Trust SIA
Tīmekļa vietne: https://www.daugavatrust.test
Balsstiesīgais pārstāvis: Jānis Bērziņš <janis.berzins@daugavatrust.test>
Pārstāvja aizvietotāja: Līga Ozola <liga.ozola@daugavatrust.test>
Ārkārtas kontaktpersona: drosiba-dezurants@daugavatrust.test, +371 6700 1234

Ar cieņu
Jānis Bērziņš
valdes loceklis, Daugava Trust SIA
""",
        "interested_party",
        "Daugava Trust SIA",
        "https://www.daugavatrust.test",
        [("janis.berzins@daugavatrust.test", True), ("liga.ozola@daugavatrust.test", False)],
        "drosiba-dezurants@daugavatrust.test",
    ),
    (
        "lt",
        "Rūta Kazlauskienė <ruta.kazlauskiene@gintarosertifikatai.test>",
        "Paraiška dėl narystės S/MIME darbo grupėje",
        """Laba diena,

Prašome priimti mūsų bendrovę į S/MIME darbo grupę kaip sertifikatų išdavėją.

Narystės kategorija: sertifikatų išdavėjas (Certificate Issuer)
Įmonės pavadinimas: Gintaro sertifikatai UAB
Interneto svetainė: https://gintarosertifikatai.test
Atstovas su balsavimo teise: Rūta Kazlauskienė <ruta.kazlauskiene@gintarosertifikatai.test>
Pavaduotojas: Tomas Petrauskas <tomas.petrauskas@gintarosertifikatai.test>
Avarinis kontaktas: saugumo-budejimas@gintarosertifikatai.test, +370 5 210 0000

Pagarbiai
Rūta Kazlauskienė
Atitikties vadovė, Gintaro sertifikatai UAB
""",
        "certificate_issuer",
        "Gintaro sertifikatai UAB",
        "https://gintarosertifikatai.test",
        [
            ("ruta.kazlauskiene@gintarosertifikatai.test", True),
            ("tomas.petrauskas@gintarosertifikatai.test", False),
        ],
        "saugumo-budejimas@gintarosertifikatai.test",
    ),
    (
        "sr",
        "Milan Jovanović <milan.jovanovic@dunavposta.test>",
        "Zahtev za članstvo u radnoj grupi S/MIME",
        """Poštovani,

Ovim putem podnosimo zahtev za članstvo u radnoj grupi S/MIME kao korisnik sertifikata; razvijamo klijent za e-poštu.

Naziv kompanije: Dunav Pošta d.o.o.
Veb sajt: https://www.dunavposta.test
Predstavnik sa pravom glasa: Milan Jovanović <milan.jovanovic@dunavposta.test>
Zamenik: Jelena Petrović <jelena.petrovic@dunavposta.test>
Kontakt za hitne slučajeve: bezbednost-dezurni@dunavposta.test, +381 11 555 0100

Srdačan pozdrav,
Milan Jovanović
tehnički direktor, Dunav Pošta d.o.o.
""",
        "certificate_consumer",
        "Dunav Pošta d.o.o.",
        "https://www.dunavposta.test",
        [("milan.jovanovic@dunavposta.test", True), ("jelena.petrovic@dunavposta.test", False)],
        "bezbednost-dezurni@dunavposta.test",
    ),
    (
        "bg",
        "Георги Иванов <georgi.ivanov@balkantrust.test>",
        "Заявление за членство в работната група S/MIME",
        """Уважаеми дами и господа,

Бихме искали да се присъединим към работната група S/MIME като асоцииран член.

Категория членство: асоцииран член (Associate Member)
Наименование на дружеството: Balkan Trust EOOD
Уебсайт: https://www.balkantrust.test
Представител с право на глас: Георги Иванов <georgi.ivanov@balkantrust.test>
Заместник: Мария Петрова <maria.petrova@balkantrust.test>
Контакт при спешни случаи: sigurnost-dezhurni@balkantrust.test, +359 2 555 0100

С уважение,
Георги Иванов
Управител, Balkan Trust EOOD
""",
        "associate_member",
        "Balkan Trust EOOD",
        "https://www.balkantrust.test",
        [("georgi.ivanov@balkantrust.test", True), ("maria.petrova@balkantrust.test", False)],
        "sigurnost-dezhurni@balkantrust.test",
    ),
    (
        "uk",
        "Олена Коваленко <olena.kovalenko@dniprosign.test>",
        "Заявка на членство в робочій групі S/MIME",
        """Шановні колеги,

Просимо прийняти нашу компанію до робочої групи S/MIME як видавця сертифікатів.

Категорія членства: видавець сертифікатів (Certificate Issuer)
Назва організації: ТОВ «Дніпро Сайн»
Вебсайт: https://dniprosign.test
Представник з правом голосу: Олена Коваленко <olena.kovalenko@dniprosign.test>
Заступник: Андрій Шевченко <andrii.shevchenko@dniprosign.test>
Контакт для інцидентів: cert-cherhovyi@dniprosign.test, +380 44 555 0100

З повагою,
Олена Коваленко
керівниця з відповідності, ТОВ «Дніпро Сайн»
""",
        "certificate_issuer",
        "ТОВ «Дніпро Сайн»",
        "https://dniprosign.test",
        [("olena.kovalenko@dniprosign.test", True), ("andrii.shevchenko@dniprosign.test", False)],
        "cert-cherhovyi@dniprosign.test",
    ),
    (
        "ru",
        "Дмитрий Соколов <d.sokolov@severmail.test>",
        "Заявка на вступление в рабочую группу S/MIME",
        """Здравствуйте!

Просим рассмотреть заявку нашей компании на вступление в рабочую группу S/MIME в качестве потребителя сертификатов: мы разрабатываем почтовый клиент.

Наименование организации: ООО «Север Мейл»
Сайт: https://www.severmail.test
Представитель с правом голоса: я сам, d.sokolov@severmail.test
Заместитель: Анна Морозова <a.morozova@severmail.test>
Экстренный контакт: soc-dezhurnyi@severmail.test, +7 495 555 0100

С уважением,
Дмитрий Соколов
технический директор, ООО «Север Мейл»
""",
        "certificate_consumer",
        "ООО «Север Мейл»",
        "https://www.severmail.test",
        [("d.sokolov@severmail.test", True), ("a.morozova@severmail.test", False)],
        "soc-dezhurnyi@severmail.test",
    ),
    (
        "he",
        "Noa Levi <noa.levi@galilsign.test>",
        "בקשת הצטרפות לקבוצת העבודה S/MIME",
        """שלום רב,

אנו מבקשים להצטרף לקבוצת העבודה S/MIME כמנפיק תעודות.

קטגוריית חברות: מנפיק תעודות (Certificate Issuer)
שם החברה: Galil Sign Ltd
אתר אינטרנט: https://www.galilsign.test
נציג בעל זכות הצבעה: נועה לוי <noa.levi@galilsign.test>
ממלא מקום: יוסי כהן <yossi.cohen@galilsign.test>
איש קשר לחירום: soc-toran@galilsign.test, +972 3 555 0100

בברכה,
נועה לוי
מנהלת ציות, Galil Sign Ltd
""",
        "certificate_issuer",
        "Galil Sign Ltd",
        "https://www.galilsign.test",
        [("noa.levi@galilsign.test", True), ("yossi.cohen@galilsign.test", False)],
        "soc-toran@galilsign.test",
    ),
    (
        "ar",
        "Khalid Al-Mansouri <khalid@nakheelmail.test>",
        "طلب انضمام إلى مجموعة عمل S/MIME",
        """السادة المحترمون،

نتقدم بطلب الانضمام إلى مجموعة عمل S/MIME بصفة مستهلك الشهادات، إذ نطور تطبيق البريد الإلكتروني Nakheel Mail.

اسم الشركة: Nakheel Mail Software LLC
الموقع الإلكتروني: https://www.nakheelmail.test
الممثل صاحب حق التصويت: خالد المنصوري <khalid@nakheelmail.test>
الممثل البديل: سارة الحربي <sara@nakheelmail.test>
جهة اتصال الطوارئ: security-oncall@nakheelmail.test, +971 4 555 0100

مع خالص التحية،
خالد المنصوري
المدير التقني، Nakheel Mail Software LLC
""",
        "certificate_consumer",
        "Nakheel Mail Software LLC",
        "https://www.nakheelmail.test",
        [("khalid@nakheelmail.test", True), ("sara@nakheelmail.test", False)],
        "security-oncall@nakheelmail.test",
    ),
    (
        "vi",
        "Nguyễn Văn An <an.nguyen@songhongca.test>",
        "Đơn xin gia nhập nhóm công tác S/MIME",
        """Kính gửi CA/Browser Forum,

Chúng tôi xin gia nhập nhóm công tác S/MIME với tư cách tổ chức phát hành chứng thư.

Loại thành viên: Tổ chức phát hành chứng thư (Certificate Issuer)
Tên công ty: Song Hong CA Joint Stock Company
Trang web: https://www.songhongca.test
Đại diện có quyền biểu quyết: Nguyễn Văn An <an.nguyen@songhongca.test>
Đại diện thay thế: Trần Thị Bình <binh.tran@songhongca.test>
Liên hệ khẩn cấp: ung-cuu-su-co@songhongca.test, +84 24 5555 0100

Trân trọng,
Nguyễn Văn An
Giám đốc tuân thủ, Song Hong CA Joint Stock Company
""",
        "certificate_issuer",
        "Song Hong CA Joint Stock Company",
        "https://www.songhongca.test",
        [("an.nguyen@songhongca.test", True), ("binh.tran@songhongca.test", False)],
        "ung-cuu-su-co@songhongca.test",
    ),
    (
        "id",
        "Dewi Lestari <dewi.lestari@nusantarapos.test>",
        "Permohonan keanggotaan Kelompok Kerja S/MIME",
        """Dengan hormat,

Kami ingin bergabung dengan Kelompok Kerja S/MIME sebagai pihak yang berkepentingan.

Nama perusahaan: PT Nusantara Pos Digital
Situs web: https://nusantarapos.test
Perwakilan dengan hak suara: saya sendiri, dewi.lestari@nusantarapos.test
Perwakilan cadangan: Budi Santoso <budi.santoso@nusantarapos.test>
Kontak darurat: keamanan-siaga@nusantarapos.test, +62 21 5555 0100

Hormat kami,
Dewi Lestari
Kepala Kepatuhan, PT Nusantara Pos Digital
""",
        "interested_party",
        "PT Nusantara Pos Digital",
        "https://nusantarapos.test",
        [("dewi.lestari@nusantarapos.test", True), ("budi.santoso@nusantarapos.test", False)],
        "keamanan-siaga@nusantarapos.test",
    ),
    (
        "th",
        "Somchai Wongsa <somchai@chaophrayamail.test>",
        "ใบสมัครเข้าร่วมคณะทำงาน S/MIME",
        """เรียน CA/Browser Forum

บริษัทของเราขอสมัครเป็นสมาชิกคณะทำงาน S/MIME ในฐานะสมาชิกสมทบ

ประเภทสมาชิก: สมาชิกสมทบ (Associate Member)
ชื่อบริษัท: Chao Phraya Mail Co., Ltd.
เว็บไซต์: https://www.chaophrayamail.test
ผู้แทนที่มีสิทธิออกเสียง: สมชาย วงศา <somchai@chaophrayamail.test>
ผู้แทนสำรอง: สุดา ใจดี <suda@chaophrayamail.test>
ติดต่อฉุกเฉิน: security-oncall@chaophrayamail.test, +66 2 555 0100

ขอแสดงความนับถือ
สมชาย วงศา
ผู้อำนวยการฝ่ายเทคนิค Chao Phraya Mail Co., Ltd.
""",
        "associate_member",
        "Chao Phraya Mail Co., Ltd.",
        "https://www.chaophrayamail.test",
        [("somchai@chaophrayamail.test", True), ("suda@chaophrayamail.test", False)],
        "security-oncall@chaophrayamail.test",
    ),
]


@pytest.mark.parametrize(
    ("sender", "subject", "body", "category", "organization", "website", "representatives", "emergency"),
    [case[1:] for case in APPLICATIONS_IN_MORE_LANGUAGES],
    ids=[case[0] for case in APPLICATIONS_IN_MORE_LANGUAGES],
)
def test_an_application_in_more_languages_is_read_and_recognised(
    sender, subject, body, category, organization, website, representatives, emergency
):
    p = parsed(body, subject=subject, sender=sender)
    found = read(p)
    assert found.category == Category(category)
    assert (found.organization_name, found.website_url) == (organization, website)
    assert [(r.email, r.voting) for r in found.representatives] == representatives
    assert found.emergency_contact and found.emergency_contact.email == emergency
    assert application_verdict(p, found).disposition is Disposition.APPLICATION


# The sender taking the vote in the first person, in prose. (Thai is left out: a Thai sentence has no spaces,
# so the reader takes a short one naming the representative for a label standing alone.)
@pytest.mark.parametrize(
    "sentence",
    [
        "Jeg bliver selv den stemmeberettigede repræsentant.",
        "Jeg blir selv den stemmeberettigede representanten.",
        "Toimin itse äänivaltaisena edustajana.",
        "Εγώ ο ίδιος θα είμαι ο εκπρόσωπος με δικαίωμα ψήφου.",
        "A szavazó képviselő én magam leszek.",
        "Eu voi fi reprezentantul cu drept de vot.",
        "Hlasujúcim zástupcom budem ja sám.",
        "Glasovalni predstavnik bom jaz sam.",
        "Hääleõiguslik esindaja olen mina ise.",
        "Balsstiesīgais pārstāvis būšu es pats.",
        "Atstovas su balsavimo teise būsiu aš pats.",
        "Predstavnik sa pravom glasa biću ja lično.",
        "Представителят с право на глас ще бъда аз самият.",
        "Представником з правом голосу буду я сам.",
        "Представителем с правом голоса буду я сам.",
        "אני עצמי אהיה הנציג בעל זכות ההצבעה.",
        "سأكون الممثل صاحب حق التصويت بنفسي.",
        "Chính tôi sẽ là người đại diện có quyền biểu quyết.",
        "Saya sendiri akan menjadi perwakilan dengan hak suara.",
        # A word that denies the vote in one language is a common word in its neighbour's: Norwegian
        # "vara" (deputy) is Swedish "to be".
        "Jag själv kommer att vara röstberättigad representant.",
        # the sender named in brackets after the word for 'I'
        "I (Ann Lee) will be the voting representative.",
        "議決権を持つ代表者は、私（李）が務めます。",
        # the reflexive pronoun as an object: 'I put myself forward', 'I name myself'
        "Oy kullanacak temsilci olarak kendimi öneriyorum.",
        "Come rappresentante con diritto di voto propongo me stesso.",
    ],
)
def test_the_sender_takes_the_vote_in_the_first_person(sentence):
    body = f"Hello,\n\nWe apply as a Certificate Consumer.\n\n{sentence}\nOther representative: Bob Roe <bob@acme.test>\n"
    found = read(parsed(body, subject="SMCWG", sender="Ann Lee <ann@acme.test>"))
    assert sorted((r.email, r.voting) for r in found.representatives) == [
        ("ann@acme.test", True),
        ("bob@acme.test", False),
    ]


def test_the_sender_saying_they_only_send_it_is_no_representative():
    # Japanese '本人' (the person themself) is, in Chinese, the writer's 'I': 'I only forward it'
    body = (
        "您好：\n\n本人僅代為轉寄本公司的申請，並非代表人。\n\n申請類別：利害關係人（Interested Party）\n"
        "代表人：王大明，dm.wang@acme.test\n"
    )
    found = read(parsed(body, subject="SMCWG 申請", sender="李小華 <xh.li@acme.test>"))
    assert [r.email for r in found.representatives] == ["dm.wang@acme.test"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Vertreten wird unsere Firma durch Jan Roth (jan.roth@acme.test).",
        "Nos representará Jan Roth (jan.roth@acme.test).",
    ],
)
def test_represented_by_as_a_verb(sentence):
    body = f"Hallo,\n\nWir beantragen die Teilnahme als Interested Party.\n\n{sentence}\n"
    found = read(parsed(body, subject="SMCWG"))
    assert [r.email for r in found.representatives] == ["jan.roth@acme.test"]


def test_the_web_site_in_italian_prose():
    body = "Buongiorno,\n\nchiediamo di aderire come Interested Party. Il nostro sito è www.acme.test.\n"
    assert read(parsed(body, subject="SMCWG")).website_url == "https://www.acme.test"


UNDECIDED_REST = """
Webseite: https://www.acme.test
Vertreter: Anna Roth <anna.roth@acme.test> (stimmberechtigt)
Notfallkontakt: pki@acme.test, +49 30 5550 1234
"""


@pytest.mark.parametrize(
    "sentence",
    [
        "Wir wissen nicht, ob wir als Certificate Issuer oder als Certificate Consumer beitreten sollen.",
        "Pourriez-vous nous dire s'il vaut mieux adhérer comme Certificate Issuer ou comme Certificate Consumer.",
        "Vi är osäkra på om vi hör till Certificate Consumer eller bör gå med som Interested Party.",
        "We twijfelen of we als Certificate Consumer of als Interested Party moeten aansluiten.",
        "Emme ole varmoja, olemmeko Certificate Issuer vai liitymmekö Interested Partyna.",
        # a category named only in a question is asked about, not chosen
        "Could a small company like ours take part as an Interested Party?",
    ],
)
def test_an_applicant_unsure_of_the_category_states_none(sentence):
    body = f"Hello,\n\nAcme GmbH would like to join the S/MIME Certificate Working Group.\n{sentence}\n{UNDECIDED_REST}"
    p = parsed(body, subject="SMCWG")
    found = read(p)
    assert found.category is None
    assert found.website_url == "https://www.acme.test"
    assert application_verdict(p, found).disposition is Disposition.APPLICATION


def test_a_students_questions_are_not_an_application():
    body = (
        "Buenos días:\n\nSoy estudiante de máster y escribo mi trabajo final sobre el grupo S/MIME.\n\n"
        "1. ¿Se publican las actas de las reuniones?\n"
        "2. ¿Podría un estudiante participar algún día como Interested Party?\n\n"
        "Gracias,\nLuis Prado\n"
    )
    p = parsed(body, subject="Preguntas sobre el SMCWG", sender="Luis Prado <luis@uni.test>")
    found = read(p)
    assert found.category is None
    assert application_verdict(p, found).disposition is not Disposition.APPLICATION


@pytest.mark.parametrize(
    "sentence",
    [
        "I will not be a representative myself: our representatives are listed below.",
        "Ich selbst bin kein Vertreter; die Vertreter stehen unten.",
        "Je ne serai pas moi-même représentant ; les représentants sont indiqués ci-dessous.",
    ],
)
def test_a_sender_who_says_they_are_no_representative_is_none(sentence):
    body = (
        f"Hello,\n\nWe apply as a Certificate Consumer.\n\n{sentence}\n"
        "Representatives: Bob Roe <bob@acme.test> (voting), Eve Poe <eve@acme.test>\n"
    )
    found = read(parsed(body, subject="SMCWG", sender="Ann Lee <ann@acme.test>"))
    assert sorted((r.email, r.voting) for r in found.representatives) == [
        ("bob@acme.test", True),
        ("eve@acme.test", False),
    ]


@pytest.mark.parametrize(
    ("sentence", "category"),
    [
        ("We also attach the agreement we signed in 2023, when we took part as an Interested Party.", "ci"),
        ("Załączamy też umowę z 2023 r., gdy działaliśmy jako Interested Party.", "ci"),
        # a change of mind in the same message still wins over the label
        ("On second thought we would rather join as an Interested Party.", "ip"),
    ],
)
def test_a_labelled_category_outweighs_a_later_mention_that_changes_nothing(sentence, category):
    body = f"Hello,\n\nCategory: Certificate Issuer\nOrganisation: Acme Ltd\n\n{sentence}\n"
    expected = {"ci": Category.CERTIFICATE_ISSUER, "ip": Category.INTERESTED_PARTY}[category]
    assert read(parsed(body, subject="SMCWG application")).category == expected


@pytest.mark.parametrize(
    ("sentence", "category"),
    [
        # a correction or 'after all' in the same message outweighs the label, in any language
        ("Correction: we apply as an Interested Party.", "ip"),
        ("Rättelse: vi ansöker som Interested Party.", "ip"),
        ("Wir möchten doch lieber als Interested Party teilnehmen.", "ip"),
        ("Preferiríamos participar como Interested Party en su lugar.", "ip"),
        ("Ripensandoci, aderiamo come Interested Party.", "ip"),
        ("Поправка: мы вступаем как заинтересованная сторона.", "ip"),
        # mentioned in passing, it changes nothing
        ("Our parent company joined as an Interested Party in 2022.", "ci"),
    ],
)
def test_a_correction_in_the_same_message_outweighs_the_label(sentence, category):
    body = f"Hello,\n\nCategory: Certificate Issuer\nOrganisation: Acme Ltd\n\n{sentence}\n"
    expected = {"ci": Category.CERTIFICATE_ISSUER, "ip": Category.INTERESTED_PARTY}[category]
    assert read(parsed(body, subject="SMCWG application")).category == expected


@pytest.mark.parametrize(
    ("sentence", "category"),
    [
        # an inflected word for 'category' before the name (Russian, Ukrainian, Bulgarian, Greek, Polish)
        ("Просим принять нашу компанию в рабочую группу в категории Certificate Issuer.", "ci"),
        ("Просимо прийняти нас до робочої групи в категорії Interested Party.", "ip"),
        ("Кандидатстваме за членство в категорията Certificate Consumer.", "cc"),
        ("Υποβάλλουμε αίτηση στην κατηγορίας Associate Member της ομάδας.", "am"),
        ("Składamy wniosek o przyjęcie w kategorii Certificate Consumer.", "cc"),
        # Serbian in Cyrillic letters: the Latin table reads it too
        ("Желимо да се придружимо радној групи као заинтересована страна.", "ip"),
        ("Пријављујемо се у категорију издавалац сертификата.", "ci"),
        # a Finnish negative verb with the '-kä' ending ('and not') denies the category after it
        ("Haluamme sittenkin osallistua Interested Partyna emmekä Certificate Issuerina.", "ip"),
        ("Osallistun mieluiten Interested Partyna enkä Certificate Consumerina.", "ip"),
        # an ending joined to the name by a hyphen ('as a ... member')
        ("Meidät voi merkitä Associate Member -jäseneksi.", "am"),
    ],
)
def test_a_category_after_an_inflected_word_in_any_script(sentence, category):
    expected = {
        "ci": Category.CERTIFICATE_ISSUER,
        "cc": Category.CERTIFICATE_CONSUMER,
        "ip": Category.INTERESTED_PARTY,
        "am": Category.ASSOCIATE_MEMBER,
    }[category]
    assert category_in_prose(sentence) == expected


def test_serbian_terms_are_read_in_cyrillic_letters_too():
    body = (
        "Поштовани,\n\nКомпанија Пример д.о.о. жели да се придружи S/MIME радној групи као издавалац сертификата.\n\n"
        "Назив организације: Пример д.о.о.\nВеб сајт: https://www.primer.test\n"
    )
    found = read(parsed(body, subject="Пријава за чланство SMCWG"))
    assert found.category == Category.CERTIFICATE_ISSUER
    assert found.website_url == "https://www.primer.test"


@pytest.mark.parametrize(
    ("body", "category"),
    [
        # an act and its object in any script: issuing certificates ...
        ("АО «Северный Удостоверяющий Центр» выдаёт сертификаты S/MIME организациям и частным лицам.", "ci"),
        ("Ми випускаємо сертифікати S/MIME для державних установ.", "ci"),
        ("Издајемо S/MIME сертификате за запослене у банкама.", "ci"),
        ("Ние сме доставчик на удостоверителни услуги и издаваме S/MIME сертификати.", "ci"),
        ("Εκδίδουμε πιστοποιητικά S/MIME για δημόσιους φορείς.", "ci"),
        ("당사는 전자서명인증사업자로서 이메일 인증서를 발행합니다.", "ci"),
        ("نحن نصدر شهادات S/MIME للمؤسسات الحكومية.", "ci"),
        ("החברה מנפיקה תעודות S/MIME לעובדי בנקים.", "ci"),
        ("บริษัทของเราออกใบรับรอง S/MIME ให้แก่องค์กร", "ci"),
        ("我们为企业客户签发S/MIME证书。", "ci"),
        # ... or validating signatures and certificates, or making mail software
        ("本公司的郵件軟體會驗證 S/MIME 簽章。", "cc"),
        ("我們的電子郵件用戶端會顯示 S/MIME 數位簽章的狀態。", "cc"),
        ("نحن مزود خدمات ثقة معتمد في الأردن.", "ci"),
        ("当社のメーラーはS/MIME署名を検証します。", "cc"),
        ("저희 이메일 앱은 S/MIME 서명을 검증합니다.", "cc"),
        ("Наше почтовое приложение проверяет подписи S/MIME.", "cc"),
        ("تطبيقنا للبريد يتحقق من التوقيعات الرقمية S/MIME.", "cc"),
        ("אפליקציית הדואר שלנו מאמתת חתימות S/MIME.", "cc"),
        ("แอปอีเมลของเราตรวจสอบลายเซ็น S/MIME", "cc"),
        ("Η εφαρμογή ηλεκτρονικού ταχυδρομείου μας επαληθεύει υπογραφές S/MIME.", "cc"),
        ("Ons e-mailplatform verifieert S/MIME-handtekeningen van afzenders.", "cc"),
        # what others do describes someone else
        (
            "We are a certification authority; our S/MIME certificates are trusted by all major email clients.",
            "ci",
        ),
        ("我们的邮件客户端可验证由任何CA签发的证书。", "cc"),
        ("Наш почтовый клиент проверяет сертификаты, выданные любыми центрами.", "cc"),
        ("We verify each subscriber's mailbox and issue S/MIME certificates to it.", "ci"),
        # denied
        ("Мы не выпускаем сертификаты, а разрабатываем почтовый клиент.", "cc"),
        # both definitions fit: no category
        ("Ми видаємо сертифікати S/MIME, а також розробляємо поштовий застосунок.", None),
        (
            "Somos un prestador de servicios de confianza y además desarrollamos un cliente de correo electrónico.",
            None,
        ),
        ("我们是电子认证服务机构，同时开发邮件客户端。", None),
    ],
)
def test_a_definition_is_read_in_any_script(body, category):
    expected = {"ci": Category.CERTIFICATE_ISSUER, "cc": Category.CERTIFICATE_CONSUMER, None: None}[category]
    assert read(parsed(f"Hello,\n\n{body}\n\nRegards\n", subject="SMCWG")).category == expected


@pytest.mark.parametrize(
    "body",
    [
        # a description, and a question about the category: the writer asks, the description does not answer
        "Мы разрабатываем почтовый клиент. Хотели бы вступить в рабочую группу S/MIME. "
        "Какая категория членства нам подходит?",
        "Αναπτύσσουμε εφαρμογή ηλεκτρονικού ταχυδρομείου. Θα θέλαμε να συμμετάσχουμε στην ομάδα εργασίας "
        "S/MIME. Ποια κατηγορία μέλους μας ταιριάζει;",
        "نحن شركة تطور تطبيق بريد يتحقق من توقيعات S/MIME. نود الانضمام إلى مجموعة عمل S/MIME. "
        "ما هي فئة العضوية المناسبة لنا؟",
        "אנחנו מפתחים אפליקציית דואר. נרצה להצטרף לקבוצת העבודה S/MIME. איזו קטגוריית חברות מתאימה לנו?",
        "저희는 이메일 앱을 개발합니다. S/MIME 워킹그룹에 가입하고 싶습니다. 어떤 회원 구분이 적합할까요?",
        "我们公司签发S/MIME证书。我们想加入S/MIME工作组，请问哪个会员类别适合我们？",
        "We issue S/MIME certificates to universities and would like to join the S/MIME Certificate Working "
        "Group. Which membership category would fit us?",
    ],
)
def test_a_question_about_the_category_is_no_application(body):
    p = parsed(f"Hello,\n\n{body}\n\nThanks\n", subject="S/MIME Certificate Working Group")
    found = read(p)
    assert found.category is None
    assert application_verdict(p, found).disposition is not Disposition.APPLICATION


def test_sentences_end_in_every_script():
    from intake_bot.reader.prose import is_question, prose_sentences

    body = "Мы выпускаем сертификаты. Вступаем сейчас. 我们开发邮件客户端。请问类别？ نحن هنا. ما الفئة؟ Τι κατηγορία;"
    texts = [s.text for s in prose_sentences(body, [])]
    assert texts == [
        "Мы выпускаем сертификаты.",
        "Вступаем сейчас.",
        "我们开发邮件客户端。",
        "请问类别？",
        "نحن هنا.",
        "ما الفئة؟",
        "Τι κατηγορία;",
    ]
    assert [is_question(text) for text in texts] == [False, False, False, True, False, True, True]
