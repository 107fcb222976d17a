"""A deterministic corpus of membership applications: plain mails and mails with a PDF attachment.

Message n of a corpus with a given seed is always the same bytes. Every message comes from its own
organisation and sender, so each one opens an application and gets a reply (no rate limit, no
threading into an earlier one). Texts vary in layout (labels, numbered list, prose), category,
working group and which items are missing, the way real applications do.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

FIRST = ["Jessica", "Daniel", "Amira", "Lukas", "Sofia", "Kenji", "Olga", "Mateo", "Priya", "Henrik",
         "Chloe", "Tomasz", "Ines", "Rahul", "Freya", "Nikolai", "Aylin", "Pedro", "Mei", "Jonas"]  # fmt: skip
LAST = ["Thompson", "Carter", "Haddad", "Becker", "Rossi", "Tanaka", "Ivanova", "Garcia", "Nair", "Lund",
        "Dubois", "Nowak", "Silva", "Mehta", "Larsen", "Petrov", "Kaya", "Costa", "Chen", "Weber"]  # fmt: skip
WORDS = ["Acorn", "Nordlys", "Quill", "Bluefinch", "Harbour", "Granite", "Lumen", "Kestrel", "Meridian",
         "Oakridge", "Polar", "Saffron", "Tidewater", "Vantage", "Willow", "Zephyr", "Cobalt", "Fjord"]  # fmt: skip
KINDS = ["Trust Services", "Certificate Authority", "PKI", "Secure Mail", "Digital Identity", "Mail"]
SUFFIX = ["Ltd", "GmbH", "AS", "S.A.", "Inc.", "B.V.", "Oy", "S.r.l."]
TLD = ["co.uk", "de", "no", "es", "com", "nl", "fi", "it"]
CATEGORIES = [
    ("Certificate Issuer", 0.45),
    ("Certificate Consumer", 0.3),
    ("Interested Party", 0.2),
    ("Associate Member", 0.05),
]
GROUPS = [("SMCWG", "S/MIME Certificate Working Group"), ("SCWG", "Server Certificate Working Group")]
DISCLAIMER = (
    "CONFIDENTIALITY NOTICE: This e-mail and any attachments are intended solely for the addressee(s) and "
    "may contain confidential or legally privileged information. If you have received this message in "
    "error, please notify the sender immediately by replying to this e-mail and delete it from your "
    "system. Any unauthorised use, disclosure, copying or distribution of this message is prohibited. "
    "{org} is registered in {country}; registered office: {street}, company number {number}. E-mail "
    "communications cannot be guaranteed to be secure or error-free, as information could be "
    "intercepted, corrupted, lost, destroyed, arrive late or incomplete, or contain viruses."
)
IPR_TEXT = (
    'This CAB Forum IPR Policy Agreement (the "Agreement") constitutes a binding contract among the '
    "participants that make Contributions while a Draft Guideline or a Final Guideline of the CA/Browser "
    "Forum is being developed. In consideration of the mutual promises herein, Participant agrees on "
    "his/her/its behalf, and on behalf of any Affiliates (as defined in the CAB Forum Intellectual Property "
    'Rights Policy v1.4, the "IPR Policy"), to abide by the terms of the IPR Policy, which is incorporated '
    "herein by reference. Participant acknowledges that some of its obligations under the IPR Policy may "
    "survive the termination of this Agreement. The party signing this Agreement intends it to take effect "
    "as an instrument under seal."
)
BASE_DATE = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


class Corpus:
    """`count` messages; every `1 / pdf_share`-th one (spread evenly) carries a ~200 KB PDF."""

    def __init__(self, count: int, pdf_share: float = 0.3, seed: int = 7, tag: str = "bench") -> None:
        self.count, self.pdf_share, self.seed, self.tag = count, pdf_share, seed, tag
        self._noise: list[bytes] = []

    def has_pdf(self, n: int) -> bool:
        # Evenly spread: message n has a PDF when the running share crosses a whole number.
        share = self.pdf_share + 1e-9  # so that 10 * 0.3 is 3, not 2.9999...
        return int((n + 1) * share) > int(n * share)

    def messages(self) -> Iterator[bytes]:
        for n in range(self.count):
            yield self.message(n)

    def message(self, n: int) -> bytes:
        rng = random.Random(f"{self.seed}-{n}")
        app = _application(rng, n, self.tag)
        pdf = self._pdf(rng, app) if self.has_pdf(n) else None
        return _mail(rng, app, n, self.tag, pdf)

    def _pdf(self, rng: random.Random, app: dict) -> bytes:
        from fpdf import FPDF

        pdf = FPDF()
        pdf.set_creation_date(BASE_DATE)
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, "CAB Forum Agreement for IPR Policy v.1.4", new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 6, IPR_TEXT, new_x="LMARGIN", new_y="NEXT")
        for line in ["PARTICIPANT", f"By: /s/ {app['person']}", "(Signature)", f"Print Name: {app['person']}",
                     "Title: Director", app["org"], "Participant Organization Name (if entity)",
                     f"Date: {rng.randint(1, 28)} October 2026"]:  # fmt: skip
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        # Page 2: the scanned, stamped signature page; noise does not compress, so the PDF is ~200 KB.
        pdf.add_page()
        pdf.image(io.BytesIO(self._noise_jpeg(rng.randrange(8))), x=10, y=10, w=180)
        return bytes(pdf.output())

    def _noise_jpeg(self, which: int) -> bytes:
        if not self._noise:
            from PIL import Image

            noise = random.Random(self.seed)
            for _ in range(8):
                buffer = io.BytesIO()
                # JPEG: fpdf2 embeds it as it is (a PNG it would decode and compress again).
                Image.frombytes("L", (500, 500), noise.randbytes(500 * 500)).save(buffer, "JPEG", quality=90)
                self._noise.append(buffer.getvalue())
        return self._noise[which]


def _application(rng: random.Random, n: int, tag: str) -> dict:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    word, kind, suffix = rng.choice(WORDS), rng.choice(KINDS), rng.randrange(len(SUFFIX))
    org = f"{word} {kind} {n:05d} {SUFFIX[suffix]}"
    domain = f"{word.lower()}{n:05d}-{tag}.{TLD[suffix]}"
    category = rng.choices([c for c, _ in CATEGORIES], [w for _, w in CATEGORIES])[0]
    group = GROUPS[0] if rng.random() < 0.85 else GROUPS[1]
    colleague = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    return {
        "person": f"{first} {last}",
        "address": f"{first.lower()}.{last.lower()}@{domain}",
        "colleague": colleague,
        "colleague_address": f"{colleague.split()[0].lower()}@{domain}",
        "org": org,
        "domain": domain,
        "category": category,
        "group": group,
        "phone": f"+{rng.randint(30, 49)} {rng.randint(10, 99)} {rng.randint(1000, 9999)} {rng.randint(100, 999)}",
        "audit": rng.choice(
            [
                f"https://www.cpacanada.ca/webtrustseal?sealid={rng.randint(1000, 9999)}",
                f"https://www.{domain}/repository/etsi-attestation-2026.pdf",
            ]
        ),
        "crt": f"https://crt.sh/?id={rng.randint(10**10, 10**11)}",
        "missing": {item for item in ("emergency", "website", "audit") if rng.random() < 0.25},
    }


def _body(rng: random.Random, app: dict, with_pdf: bool) -> str:
    a = app
    fields = [
        ("Organization Name", a["org"]),
        ("Category", a["category"]),
        ("Website", f"https://www.{a['domain']}"),
        ("Voting Representative", f"{a['person']}, {a['address']}"),
        ("Other Representatives", f"{a['colleague']}, {a['colleague_address']}"),
        ("Emergency Contact", f"security@{a['domain']}, {a['phone']}"),
    ]
    if a["category"] == "Certificate Issuer":
        fields += [("Audit Report", a["audit"]), ("Certificates", a["crt"])]
    skip = {"emergency": "Emergency Contact", "website": "Website", "audit": "Audit Report"}
    fields = [(k, v) for k, v in fields if k not in {skip[m] for m in a["missing"]}]
    intro = rng.choice(
        [
            f"{a['org']} would like to apply for membership in the {a['group'][1]} ({a['group'][0]}).",
            f"Please find below our application to join the {a['group'][0]} as a {a['category']}.",
            f"On behalf of {a['org']} I am writing to apply for membership of the {a['group'][1]}.",
        ]
    )
    about = (
        f"{a['org']} has operated {rng.choice(['a public', 'a private', 'an enterprise'])} PKI since "
        f"{rng.randint(1998, 2022)} and serves customers in {rng.randint(3, 40)} countries. We follow the "
        "Forum's work closely and would like to contribute to the Baseline Requirements and their future "
        "revisions, in particular on certificate profiles, validation methods and revocation."
    )
    layout = rng.randrange(3)
    if layout == 0:
        listing = "\n".join(f"{k}: {v}" for k, v in fields)
    elif layout == 1:
        listing = "\n".join(f"{i}) {k}: {v}" for i, (k, v) in enumerate(fields, start=1))
    else:
        listing = "\n".join(f"- {k} - {v}" for k, v in fields)
    ipr = (
        "The signed IPR Policy Agreement is attached."
        if with_pdf
        else "We will send the signed IPR Policy Agreement separately."
    )
    disclaimer = DISCLAIMER.format(
        org=a["org"],
        country=rng.choice(["England and Wales", "Norway", "Germany", "Spain"]),
        street=f"{rng.randint(1, 200)} {rng.choice(WORDS)} Street",
        number=rng.randint(10**6, 10**7),
    )
    first = a["person"].split()[0]
    return (
        f"{rng.choice(['Hello', 'Dear CA/Browser Forum', 'Hi'])},\n\n{intro}\n\n{about}\n\n{listing}\n\n"
        f"{ipr}\n\nPlease let us know if anything else is needed.\n\n{rng.choice(['Regards', 'Best regards', 'Kind regards'])},\n"
        f"{first}\n\n-- \n{a['person']}\n{a['org']}\n{a['phone']}\n\n{disclaimer}\n"
    )


def _mail(rng: random.Random, app: dict, n: int, tag: str, pdf: bytes | None) -> bytes:
    msg = EmailMessage(policy=SMTP)
    when = BASE_DATE + timedelta(minutes=7 * n)
    host = f"mail.{app['domain']}"
    msg["Return-Path"] = f"<{app['address']}>"
    msg["Received"] = (
        f"from {host} ({host} [198.51.100.{n % 250 + 1}]) by mx1.cabforum.org (Postfix) with ESMTPS id "
        f"{rng.randbytes(6).hex().upper()} for <questions@cabforum.org>; {format_datetime(when)}"
    )
    msg["Authentication-Results"] = (
        f"mx1.cabforum.org; dkim=pass header.d={app['domain']}; spf=pass "
        f"smtp.mailfrom={app['domain']}; dmarc=pass header.from={app['domain']}"
    )
    msg["From"] = f"{app['person']} <{app['address']}>"
    msg["To"] = "questions@cabforum.org"
    msg["Subject"] = f"{app['group'][0]} membership application - {app['org']}"
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = f"<{when:%Y%m%d%H%M%S}.{tag}.{n}@{host}>"
    msg["X-Mailer"] = rng.choice(["Microsoft Outlook 16.0", "Thunderbird 128.4", "Apple Mail (2.3826)"])
    msg.set_content(_body(rng, app, pdf is not None))
    if pdf is not None:
        msg.add_attachment(
            pdf, maintype="application", subtype="pdf", filename="CABF IPR Agreement - signed.pdf"
        )
        msg.set_boundary(f"------------{rng.randbytes(12).hex()}")  # the email package picks a random one
    return msg.as_bytes()
