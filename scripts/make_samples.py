"""Regenerate samples/*.eml, the demo's bundled mail (run once by a developer; needs fpdf2).

.venv/bin/python scripts/make_samples.py
"""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

from fpdf import FPDF

OUT = Path(__file__).resolve().parents[1] / "samples"


def ipr_pdf(org: str, signer: str, title: str, date: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 10, "CAB Forum Agreement for IPR Policy v.1.4", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(
        0,
        5,
        'This CAB Forum IPR Policy Agreement (the "Agreement") constitutes a binding contract '
        "among the participants that make Contributions while a Draft Guideline or a Final "
        "Guideline of the CA/Browser Forum is being developed. Participant agrees on his/her/its "
        "behalf, and on behalf of any Affiliates, to the terms of the CA/Browser Forum "
        "Intellectual Property Rights Policy v1.4.",
    )
    pdf.ln(6)
    for line in (
        "PARTICIPANT",
        f"By: /s/ {signer}",
        f"Print Name: {signer}",
        f"Title: {title}",
        f"Participant Organization Name (if entity): {org}",
        f"Date: {date}",
    ):
        pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def mail(name: str, sender: str, subject: str, body: str, date: str, attachments=(), headers=None) -> None:
    msg = EmailMessage(policy=SMTP)
    msg["From"] = sender
    msg["To"] = "questions@cabforum.org"
    msg["Subject"] = subject
    msg["Date"] = date
    msg["Message-ID"] = f"<{name}@samples.intake-bot.example>"
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(body)
    for filename, payload in attachments:
        msg.add_attachment(payload, maintype="application", subtype="pdf", filename=filename)
    (OUT / f"{name}.eml").write_bytes(msg.as_bytes())


def main() -> None:
    OUT.mkdir(exist_ok=True)
    mail(
        "01-issuer-complete",
        "Hanna Berg <hanna.berg@nordlys-ca.example>",
        "Membership Application of Nordlys CA AS",
        """Dear CA/Browser Forum,

Nordlys CA AS applies to join the S/MIME Certificate Working Group.

1. Category: Certificate Issuer
2. Organization name: Nordlys CA AS
3. Website: https://www.nordlys-ca.example
4. IPR Agreement: attached, signed
5. Representatives: Hanna Berg <hanna.berg@nordlys-ca.example> (voting), Ola Nilsen <ola.nilsen@nordlys-ca.example>
6. Emergency contact: Lars Holm, pki-incident@nordlys-ca.example, +47 22 00 00 00
7. Audit report: https://www.cpacanada.ca/webtrustseal?sealid=99001
   Example certificates: https://crt.sh/?id=1111111111 and https://crt.sh/?id=2222222222

Kind regards,
Hanna Berg
""",
        "Mon, 02 Nov 2026 09:15:00 +0100",
        [("Nordlys IPR Agreement signed.pdf", ipr_pdf("Nordlys CA AS", "Hanna Berg", "CEO", "2026-10-30"))],
    )
    mail(
        "02-consumer-incomplete",
        "Raj Patel <raj@quillmail.example>",
        "Application: Quillmail - S/MIME Certificate Working Group",
        """Hello,

We'd like to apply as a Certificate Consumer.

Organisation: Quillmail Ltd
Web site: quillmail.example
Representatives: Raj Patel, raj@quillmail.example

Our IPR agreement will follow next week.

Thanks,
Raj
""",
        "Tue, 03 Nov 2026 14:02:00 +0000",
    )
    mail(
        "03-consumer-followup",
        "Raj Patel <raj@quillmail.example>",
        "Re: Application: Quillmail - S/MIME Certificate Working Group",
        """Hi again,

Voting representative: Raj Patel, raj@quillmail.example
Emergency contact: security@quillmail.example, +44 161 496 0000

Signed IPR agreement attached.

Raj
""",
        "Thu, 05 Nov 2026 10:30:00 +0000",
        [("Quillmail-IPR.pdf", ipr_pdf("Quillmail Ltd", "Raj Patel", "CTO", "2026-11-04"))],
        {"In-Reply-To": "<02-consumer-incomplete@samples.intake-bot.example>"},
    )
    mail(
        "04-question",
        "Mia Chen <mia.chen@university.example>",
        "Question about the S/MIME BRs",
        "Hello,\n\nIs there a changelog for the latest S/MIME Baseline Requirements?\n\nThanks,\nMia\n",
        "Fri, 06 Nov 2026 08:00:00 +0000",
    )
    mail(
        "05-out-of-office",
        "Ola Nilsen <ola.nilsen@nordlys-ca.example>",
        "Automatic reply: Membership",
        "I am out of the office until Monday.\n",
        "Fri, 06 Nov 2026 09:00:00 +0000",
        headers={"Auto-Submitted": "auto-replied"},
    )
    mail(
        "06-interested-party",
        "Lukas Weber <lukas@weber-consulting.example>",
        "Participation as an Interested Party in the S/MIME Certificate Working Group",
        """Dear Forum,

I would like to participate as an Interested Party in the SMCWG.

Organization: Weber Consulting GmbH
Website: https://weber-consulting.example
Representative: Lukas Weber, lukas@weber-consulting.example

Best regards,
Lukas Weber
""",
        "Sat, 07 Nov 2026 11:45:00 +0100",
    )


if __name__ == "__main__":
    main()
