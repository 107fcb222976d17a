#!/usr/bin/env python3
"""Build the fresh held-out cases under tests/heldout/<case-id>/.

Written without reading intake-bot's source or tests.  Each case is 01.eml,
02.eml ... plus expected.json in the format of ../shared/corpus/applications.

Attachments:
  * certificate parts (PEM / DER) and the blank v1.4 IPR template are reused
    byte-for-byte from corpus .eml files;
  * signed IPR agreements are rebuilt with the corpus PDFs' exact layout
    (the corpus PDF is used as the template) but with the applicant's own
    signer / organisation / date - a corpus PDF reused verbatim would name a
    different organisation, and the agreement's organisation field is one of
    the sources the reader may use for the name.

Run: python3 tests/heldout/make_cases.py   (deterministic; rewrites every case)
"""
import base64
import email
import hashlib
import json
import os
import quopri
import re
import shutil
import unicodedata
import urllib.parse
from email import policy as _policy
from email.generator import BytesGenerator
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.utils import formataddr
from io import BytesIO

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'shared', 'corpus', 'applications')
OUT = os.path.dirname(os.path.abspath(__file__))
QUESTIONS = 'questions@cabforum.org'


# ---------------------------------------------------------------- corpus parts
def corpus_part(case, filename):
    with open(os.path.join(CORPUS, case, '01.eml'), 'rb') as fh:
        m = email.message_from_bytes(fh.read(), policy=_policy.default)
    for p in m.walk():
        if p.get_filename() == filename:
            return p.get_payload(decode=True), p.get_content_type()
    raise KeyError((case, filename))


BLANK_V14, _ = corpus_part('d2-cc-ipr-signed-plus-blank', 'CABF_IPR_Agreement_v1.4.pdf')
TEMPLATE_PDF, _ = corpus_part('d2-ci-ipr-v13-and-v14', 'Ironbridge_IPR_Agreement_v1.4_signed.pdf')
PEM_CERT, _ = corpus_part('d2-ci-de-described-ag', 'rheintal-smime-beispiel.pem')
DER_CERT, _ = corpus_part('d2-ci-ja-sjis-der', 'asagi_smime_sample.cer')


# ---------------------------------------------------------------- PDFs
TRANSLIT = {'ł': 'l', 'Ł': 'L', 'ś': 's', 'Ś': 'S', 'ą': 'a', 'ę': 'e', 'ć': 'c', 'ń': 'n', 'ź': 'z',
            'ż': 'z', 'Ż': 'Z', 'ğ': 'g', 'ı': 'i', 'İ': 'I', 'ş': 's', 'Ş': 'S', 'ř': 'r', 'ě': 'e',
            'ů': 'u', 'č': 'c', 'Č': 'C', 'ť': 't', 'ď': 'd', 'ň': 'n'}


def pdf_str(s):
    out = []
    for ch in s:
        try:
            b = ch.encode('cp1252')
        except UnicodeEncodeError:
            ch = TRANSLIT.get(ch) or unicodedata.normalize('NFKD', ch).encode('ascii', 'ignore').decode() or '?'
            b = ch.encode('cp1252')
        for byte in b:
            c = chr(byte)
            if c in '\\()':
                out.append('\\' + c)
            elif byte > 126:
                out.append('\\%03o' % byte)
            else:
                out.append(c)
    return ''.join(out)


def _template_lines():
    """The content-stream text lines of the corpus v1.4 agreement, up to PARTICIPANT."""
    txt = TEMPLATE_PDF.decode('latin1')
    stream = txt[txt.index('stream\n') + 7: txt.index('\nendstream')]
    return stream[: stream.index('/F2 11 Tf')]


def make_ipr_pdf(version, by, name, title, org, date, creator, created):
    head = _template_lines()
    if version == '1.3':
        head = head.replace('IPR Policy v.1.4', 'IPR Policy v.1.3').replace('Policy v1.4,', 'Policy v1.3,')
    sig = ['PARTICIPANT', '', 'By: ' + by, '        (Signature)', 'Print Name: ' + name,
           'Title: ' + title, org, 'Participant Organization Name (if entity)', 'Date: ' + date]
    body = head + '/F2 11 Tf\n0 -15 Td\n(PARTICIPANT) Tj\n'
    for line in sig[1:]:
        body += '/F1 10 Tf\n0 -14 Td\n'
        if line:
            body += '(%s) Tj\n' % pdf_str(line)
    body += 'ET\n'
    stream = body.encode('latin1')
    title_v = 'CAB Forum Agreement for IPR Policy v.%s' % version
    objs = [
        b'<< /Type /Catalog /Pages 2 0 R >>',
        b'<< /Type /Pages /Kids [7 0 R] /Count 1 >>',
        b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
        b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>',
        b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Oblique /Encoding /WinAnsiEncoding >>',
        b'<< /Length %d >>\nstream\n' % len(stream) + stream + b'endstream',
        b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R /F2 4 0 R /F3 5 0 R >> >> /Contents 6 0 R >>',
        ('<< /Title (%s) /Author (%s) /Creator (%s) /Producer (%s) /CreationDate (%s) >>' % (
            title_v, pdf_str(name), creator,
            'Adobe PDF Library 23.1' if 'Adobe' in creator else 'Microsoft: Print To PDF', created)).encode('latin1'),
    ]
    out = bytearray(b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n')
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b'%d 0 obj\n' % i + o + b'\nendobj\n'
    xref = len(out)
    fid = hashlib.md5(bytes(out)).hexdigest()
    out += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objs) + 1)
    for o in offs:
        out += b'%010d 00000 n \n' % o
    out += ('trailer\n<< /Size %d /Root 1 0 R /Info 8 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n'
            % (len(objs) + 1, fid, fid, xref)).encode()
    return bytes(out)


# ---------------------------------------------------------------- MIME helpers
def text_part(text, subtype='plain', charset='utf-8', cte='quoted-printable', flowed=False):
    raw = text.encode(charset)
    p = MIMEBase('text', subtype)
    p.set_param('charset', charset)
    if flowed:
        p.set_param('format', 'flowed')
    if cte == 'quoted-printable':
        payload = quopri.encodestring(raw).decode('ascii')
        for tok in ('{{reference}}', '{{last_reply_message_id}}'):
            assert payload.count(tok) == raw.count(tok.encode()), 'QP split a placeholder'
    elif cte == 'base64':
        payload = base64.encodebytes(raw).decode('ascii')
    elif cte in ('7bit', '8bit'):
        payload = raw.decode('ascii', 'surrogateescape')
        if cte == '7bit':
            raw.decode('ascii')  # must really be 7-bit
    else:
        raise ValueError(cte)
    p['Content-Transfer-Encoding'] = cte
    p.set_payload(payload)
    return p


def attachment(data, ctype, filename, cte='base64', disposition='attachment', rfc2231=True):
    maint, sub = ctype.split('/')
    p = MIMEBase(maint, sub)
    try:
        filename.encode('ascii')
        p.set_param('name', filename)
        p.add_header('Content-Disposition', disposition, filename=filename)
    except UnicodeEncodeError:
        # what Outlook / Thunderbird do: RFC 2047 in name=, RFC 2231 in filename*=
        p.set_param('name', Header(filename, 'utf-8').encode())
        p.add_header('Content-Disposition', disposition, filename=('utf-8', '', filename))
    if cte == 'base64':
        p.set_payload(base64.encodebytes(data).decode('ascii'))
    elif cte == 'quoted-printable':
        p.set_payload(quopri.encodestring(data).decode('ascii'))
    else:
        p.set_payload(data.decode('ascii'))
    p['Content-Transfer-Encoding'] = cte
    return p


def alternative(plain, html, boundary=None):
    m = MIMEMultipart('alternative', boundary=boundary)
    m.attach(plain)
    m.attach(html)
    return m


def mixed(parts, boundary=None):
    m = MIMEMultipart('mixed', boundary=boundary)
    for p in parts:
        m.attach(p)
    return m


def html_to_text(html):
    t = re.sub(r'(?is)<head>.*?</head>', '', html)
    t = re.sub(r'(?i)<br\s*/?>', '\n', t)
    t = re.sub(r'(?i)</(p|tr|table|div|li)>', '\n\n', t)
    t = re.sub(r'<[^>]+>', '', t)
    t = (t.replace('&laquo;', '\u00ab').replace('&raquo;', '\u00bb').replace('&middot;', '\u00b7')
         .replace('&#8212;', '\u2014').replace('&nbsp;', ' ').replace('&amp;', '&'))
    t = '\n'.join(l.strip() for l in t.split('\n'))
    return re.sub(r'\n{3,}', '\n\n', t).strip() + '\n'


def hdr(value, charset):
    try:
        value.encode('ascii')
        return value
    except UnicodeEncodeError:
        try:
            value.encode(charset)
        except UnicodeEncodeError:
            charset = 'utf-8'
        return Header(value, charset).encode()


def addr(name, address, charset='utf-8'):
    try:
        name.encode('ascii')
        return formataddr((name, address))
    except UnicodeEncodeError:
        return formataddr((name, address), charset=charset)


def finish(body, *, frm, subject, date, msgid, relay, ip, qid, charset='utf-8', to=QUESTIONS,
           in_reply_to=None, references=None, extra=(), auth='pass', subject_prefix=''):
    """Put the envelope / transport headers in front of the body part's headers."""
    name, address = frm
    domain = address.split('@')[1]
    top = [
        ('Return-Path', '<%s>' % address),
        ('Delivered-To', QUESTIONS),
        ('Received', 'from %s (%s [%s])\r\n\tby mx1.cabforum.org (Postfix) with ESMTPS id %s\r\n\tfor <%s>; %s'
         % (relay, relay, ip, qid, QUESTIONS, date)),
        ('Authentication-Results', 'mx1.cabforum.org; dkim=%s header.d=%s; spf=%s smtp.mailfrom=%s; dmarc=%s header.from=%s'
         % (auth, domain, auth, domain, auth, domain)),
        ('From', addr(name, address, charset)),
        ('To', to),
        ('Subject', subject_prefix + hdr(subject, charset)),
        ('Date', date),
        ('Message-ID', msgid),
    ]
    if in_reply_to:
        top.append(('In-Reply-To', in_reply_to))
    if references:
        top.append(('References', references))
    top += list(extra)
    own = [(k, v) for (k, v) in body._headers if k.lower() != 'mime-version']
    body._headers = top + [('MIME-Version', '1.0')] + own
    for sub in body.walk():
        if sub is not body:
            del sub['MIME-Version']
    buf = BytesIO()
    BytesGenerator(buf, mangle_from_=False, policy=_policy.compat32.clone(linesep='\r\n', max_line_length=998)).flatten(body)
    return buf.getvalue()


REPLY_STUB = {
    'en': ('Dear {name},\n\nThank you for your application to join the S/MIME Certificate Working Group\n'
           'of the CA/Browser Forum. It has been registered under reference {{{{reference}}}}.\n\n'
           'Before it can be reviewed we still need the following:\n\n{items}\n'
           'Please reply to this message with the missing information and keep the\n'
           'reference in the subject line.\n\nKind regards,\nCA/Browser Forum\nquestions@cabforum.org'),
}
ITEM_TEXT = {
    'audit_report_url': 'The URL of your current audit report',
    'certificate_evidence': 'Links or references to end-entity certificates you have issued',
    'representatives': 'Names and e-mail addresses of your designated representatives',
    'ipr_agreement': 'The signed and dated IPR Agreement (v1.4)',
    'emergency_contact': 'An emergency contact for security issues (with a phone number)',
    'website_url': 'The URL of your main web site',
    'category': 'The membership category you are applying for',
}


def bot_quote(name, items, prefix='> '):
    body = REPLY_STUB['en'].format(name=name, items=''.join('  - %s\n' % ITEM_TEXT[i] for i in items))
    return '\n'.join((prefix + l).rstrip() for l in body.split('\n'))


# ---------------------------------------------------------------- expectations
def ipr_info(filename, data):
    return {'ipr_agreement_filename': filename, 'ipr_agreement_sha256': hashlib.sha256(data).hexdigest()}


def expect_app(*, category, org, alts=(), website, applicant, reps, emergency, audit=None, ev_min=0,
               ipr=None, missing, replies, voting_email='auto'):
    if voting_email == 'auto':
        v = [r['email'] for r in reps if r['voting']]
        voting_email = v[0] if v else None
    e = {
        'application': True,
        'status': 'complete' if not missing else 'incomplete',
        'category': category,
        'organization_name': org,
    }
    if alts:
        e['organization_name_alternatives'] = list(alts)
    e.update({
        'website_url': website,
        'applicant_email': applicant,
        'representatives': reps,
        'voting_email': voting_email,
        'emergency_contact': emergency,
        'audit_report_url': audit,
        'certificate_evidence_count_min': ev_min,
        'ipr_agreement': ipr is not None,
    })
    if ipr:
        e.update(ipr_info(*ipr))
    e['missing'] = sorted(missing)
    e['replies'] = [{'after_message': m, 'kind': 'acknowledgement' if not items else 'missing_items',
                     'items': sorted(items)} for (m, items) in replies]
    return e


def rep(name, email_, voting=False):
    return {'name': name, 'email': email_, 'voting': voting}


CASES = []


def case(cid, description, tags, messages, expect, hard=True):
    CASES.append((cid, description, hard, sorted(set(tags)), messages, expect))


# ---------------------------------------------------------------- URL-defence wrappers
def pp_v2(url, tail='DwMFaQ'):
    enc = ''.join(c if (c.isalnum() or c in '.~') else ('_' if c == '/' else '-%02X' % ord(c)) for c in url)
    h = hashlib.sha1(url.encode()).hexdigest()
    return ('https://urldefense.proofpoint.com/v2/url?u=%s&d=%s&c=euGZstcaTDllvimEN8b7jXrwqOf-v5A_CdpgnVfiiMM'
            '&r=Xk2mT0cq4bV8nRzJ1pGsu7dQe5yLwHfAa3oKi9ZtUjY&m=%s&s=%s&e=' % (enc, tail, h[:43], h[2:45]))


def pp_v3(url):
    h = base64.b64encode(hashlib.sha256(url.encode()).digest()).decode().replace('/', '_').replace('+', '-')[:40]
    return 'https://urldefense.com/v3/__%s__;!!K3mQ7xRt!%s$' % (url, h)


def safelinks(url, region='eur01'):
    h = hashlib.sha1(url.encode()).hexdigest()
    data = '05|02|giulia.ferraris@fidulomb.it|%s|b7c3a9e1d2f04c6a8e5b1d2c3f4a5b6c|0|0|638686%s|Unknown|TWFpbGZsb3d8eyJFbXB0eU1hcGkiOnRydWV9|0|||' % (h[:32], h[:12])
    return ('https://%s.safelinks.protection.outlook.com/?url=%s&data=%s&sdata=%s%%3D&reserved=0'
            % (region, urllib.parse.quote(url, safe=''), urllib.parse.quote(data, safe=''),
               urllib.parse.quote(base64.b64encode(hashlib.sha256(url.encode()).digest()).decode()[:43], safe='')))


def mimecast(url):
    h = base64.b64encode(hashlib.md5(url.encode()).digest()).decode().replace('/', 'x').replace('+', 'Q')[:17]
    return 'https://protect-eu.mimecast.com/s/%s?domain=%s' % (h, urllib.parse.urlsplit(url).hostname.replace('www.', ''))


# =============================================================================
# 1. German CI, ISO-8859-1 QP, Proofpoint v3, PEM attachment, hyphenated emergency address on own line
# =============================================================================
def c01():
    ipr_name = 'IPR-Vereinbarung_v1.4_Adlerhorst_gezeichnet.pdf'
    ipr = make_ipr_pdf('1.4', 'Digitally signed by Dr. Claudia Voss', 'Dr. Claudia Voss', 'Geschäftsführerin',
                       'Adlerhorst Vertrauensdienste GmbH', '24.11.2026', 'Adobe Acrobat Sign', 'D:20261124093000Z')
    site = 'https://www.adlerhorst-vd.de'
    audit = 'https://www.adlerhorst-vd.de/repository/audit/AAL_2026_ETSI_319411-1.pdf'
    crt = 'https://crt.sh/?id=15873214409'
    text = f"""Sehr geehrte Damen und Herren,

hiermit beantragt die Adlerhorst Vertrauensdienste GmbH die Mitgliedschaft in der
S/MIME Certificate Working Group des CA/Browser Forums.

Mitgliedskategorie:  Zertifikatsaussteller (Certificate Issuer)
Organisation:        Adlerhorst Vertrauensdienste GmbH
Webseite:            {pp_v3(site)}
Auditbericht (ETSI EN 319 411-1, Konformitätsbewertung 2026):
   {pp_v3(audit)}
Beispielzertifikate (von Thunderbird und Outlook als gültig anerkannt):
   {pp_v3(crt)}
   sowie das angehängte Endnutzer-Zertifikat (PEM)
IPR-Vereinbarung (v1.4): unterzeichnet im Anhang

Vertreter:
 - Dr. Matthias Brenner, Leiter PKI-Compliance, m.brenner@adlerhorst-vd.de
   (stimmberechtigter Vertreter)
 - Sabine Kühn, Produktmanagerin S/MIME, s.kuehn@adlerhorst-vd.de

Notfallkontakt (24/7, Sicherheitsvorfälle und Sperrungen):
pki-notfall@adlerhorst-vd.de
+49 89 2154 8870

Für Rückfragen stehe ich gerne zur Verfügung.

Mit freundlichen Grüßen

Dr. Matthias Brenner
Leiter PKI-Compliance
Adlerhorst Vertrauensdienste GmbH
Prinzregentenstraße 54, 80538 München
Tel. +49 89 2154 8800 | www.adlerhorst-vd.de
Geschäftsführerin: Dr. Claudia Voss | Amtsgericht München HRB 223344
"""
    body = mixed([text_part(text, charset='iso-8859-1', cte='quoted-printable'),
                  attachment(PEM_CERT, 'application/x-pem-file', 'smime-beispielzertifikat.pem'),
                  attachment(ipr, 'application/pdf', ipr_name)], boundary='------------Qx0aH3vZ1d7bYc8LwRmT2p')
    m1 = finish(body, frm=('Dr. Matthias Brenner', 'm.brenner@adlerhorst-vd.de'),
                subject='Mitgliedsantrag SMCWG – Adlerhorst Vertrauensdienste GmbH',
                date='Tue, 24 Nov 2026 10:02:41 +0100', msgid='<6d1f0c2e-8b4a-4f3e-9a57-adlerhorst@adlerhorst-vd.de>',
                relay='mx01.adlerhorst-vd.de', ip='198.51.100.23', qid='4ZkTq81bNmz3Wc', charset='iso-8859-1',
                extra=[('User-Agent', 'Mozilla Thunderbird 128.5.0esr'), ('Content-Language', 'de-DE')])
    reps = [rep('Dr. Matthias Brenner', 'm.brenner@adlerhorst-vd.de', True), rep('Sabine Kühn', 's.kuehn@adlerhorst-vd.de')]
    exp = expect_app(category='certificate_issuer', org='Adlerhorst Vertrauensdienste GmbH',
                     alts=['Adlerhorst Vertrauensdienste'], website=site, applicant='m.brenner@adlerhorst-vd.de',
                     reps=reps, emergency={'email': 'pki-notfall@adlerhorst-vd.de', 'phone': '+49 89 2154 8870'},
                     audit=audit, ev_min=2, ipr=(ipr_name, ipr), missing=[], replies=[('01.eml', [])])
    case('f-ci-de-gmbh-urldefense-v3',
         'German Certificate Issuer (GmbH), ISO-8859-1 quoted-printable, label block with German labels and the '
         'category in German with the English name in brackets; web site, ETSI audit report and a crt.sh link all '
         'wrapped in Proofpoint urldefense v3; one PEM certificate attached; hyphenated emergency address on its own '
         'line; signature with job title, street address and a Geschäftsführerin line; complete.',
         ['category:certificate_issuer', 'complete', 'german', 'non-english', 'charset-iso-8859-1', 'quoted-printable',
          'plain-text', 'thunderbird', 'urldefense-v3', 'etsi', 'crtsh', 'pem-attachment', 'ipr-pdf', 'ipr-v1.4',
          'legal-form-gmbh', 'hyphen-address', 'emergency-own-line', 'signature-distractors', 'label-value'],
         [m1], exp)


# =============================================================================
# 2. French CC prose, windows-1252 QP, Apple Mail alternative
# =============================================================================
def c02():
    ipr_name = 'Accord_IPR_CABF_v1.4_Courriel_Azur_signé.pdf'
    ipr = make_ipr_pdf('1.4', '/s/ Hervé Lacombe', 'Hervé Lacombe', 'Président',
                       'Courriel Azur SAS', '20 novembre 2026', 'Microsoft Word', 'D:20261120150000Z')
    text = """Bonjour,

Je vous écris au nom de Courriel Azur SAS, éditeur du client de messagerie « Azur Mail » (Windows, macOS et Android), qui prend en charge la signature et le chiffrement S/MIME depuis 2019. Nous souhaitons adhérer au S/MIME Certificate Working Group en tant que Certificate Consumer.

Notre site web est https://www.courrielazur.fr et vous trouverez ci-joint l’accord IPR (version 1.4) signé par notre président, M. Hervé Lacombe.

Nos représentants désignés seront :
– Élodie Marchand (elodie.marchand@courrielazur.fr), responsable de la sécurité produit, qui sera notre représentante votante ;
– Thibault Garnier (thibault.garnier@courrielazur.fr), architecte logiciel.

En cas d’incident de sécurité touchant la confiance des certificats, merci de contacter notre astreinte : securite-astreinte@courrielazur.fr ou +33 4 93 55 21 80 (joignable 24 h/24, 7 j/7).

Je reste à votre disposition pour toute information complémentaire.

Bien cordialement,

Élodie Marchand
Responsable sécurité produit
Courriel Azur SAS – 12 avenue Jean Médecin, 06000 Nice
Tél. : +33 4 93 55 21 00
"""
    paras = text.strip().split('\n\n')
    html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head>' \
           '<body style="word-wrap: break-word; -webkit-nbsp-mode: space; line-break: after-white-space;">'
    for para in paras:
        para = para.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
        para = para.replace('https://www.courrielazur.fr', '<a href="https://www.courrielazur.fr">https://www.courrielazur.fr</a>')
        for a in ('elodie.marchand@courrielazur.fr', 'thibault.garnier@courrielazur.fr', 'securite-astreinte@courrielazur.fr'):
            para = para.replace(a, '<a href="mailto:%s">%s</a>' % (a, a))
        html += '<div>' + para.replace('\n', '<br>') + '</div><div><br></div>'
    html += '</body></html>'
    body = mixed([alternative(text_part(text, charset='windows-1252', cte='quoted-printable'),
                              text_part(html, 'html', charset='windows-1252', cte='quoted-printable'),
                              boundary='Apple-Mail=_7F3C2A10-5B9E-4D21-9C44-1E0A5B6D7C8E'),
                  attachment(ipr, 'application/pdf', ipr_name)],
                 boundary='Apple-Mail=_0B1E5D2C-77A4-4F3B-8C19-2D6E4A9F1B30')
    m1 = finish(body, frm=('Élodie Marchand', 'elodie.marchand@courrielazur.fr'),
                subject="Demande d'adhésion au groupe de travail S/MIME – Courriel Azur SAS",
                date='Fri, 20 Nov 2026 16:41:07 +0100', msgid='<5C1A9F3E-2D47-4B8A-9E61-0F7C3B2A1D94@courrielazur.fr>',
                relay='smtp.courrielazur.fr', ip='203.0.113.41', qid='4ZhR2c5Vq7z1Lp', charset='windows-1252',
                extra=[('X-Mailer', 'Apple Mail (2.3826.300.87.4.3)')])
    reps = [rep('Élodie Marchand', 'elodie.marchand@courrielazur.fr', True),
            rep('Thibault Garnier', 'thibault.garnier@courrielazur.fr')]
    exp = expect_app(category='certificate_consumer', org='Courriel Azur SAS',
                     alts=['Courriel Azur S.A.S.', 'Courriel Azur'], website='https://www.courrielazur.fr',
                     applicant='elodie.marchand@courrielazur.fr', reps=reps,
                     emergency={'email': 'securite-astreinte@courrielazur.fr', 'phone': '+33 4 93 55 21 80'},
                     ipr=(ipr_name, ipr), missing=[], replies=[('01.eml', [])])
    case('f-cc-fr-sas-prose-win1252',
         'French Certificate Consumer (SAS) written entirely as prose, windows-1252 quoted-printable, Apple Mail '
         'multipart/alternative; English category name inside French sentence; voting representative given as '
         '"notre représentante votante" (feminine) inside a dash list; emergency contact in a sentence ("astreinte"); '
         'signature phone differs from the emergency phone; IPR filename non-ASCII (RFC 2231); complete.',
         ['category:certificate_consumer', 'complete', 'french', 'non-english', 'charset-windows-1252',
          'quoted-printable', 'multipart-alternative', 'apple-mail', 'prose', 'ipr-pdf', 'ipr-v1.4', 'legal-form-sas',
          'signature-distractors'], [m1], exp)


# =============================================================================
# 3. Spanish CC, Gmail UTF-8 base64, "yo mismo" voting, no emergency contact (signature phones only)
# =============================================================================
def c03():
    ipr_name = 'Acuerdo IPR CA-B Forum v1.4 - CSI firmado.pdf'
    ipr = make_ipr_pdf('1.4', '/s/ Javier Ortega Ruiz', 'Javier Ortega Ruiz', 'Director de Tecnología',
                       'Correo Seguro Ibérico, S.L.', '26/11/2026', 'Adobe Acrobat Sign', 'D:20261126101500Z')
    text = """Hola:

Les escribo para solicitar la incorporación de Correo Seguro Ibérico, S.L. al S/MIME Certificate Working Group del CA/Browser Forum.

• Categoría de miembro: Consumidor de certificados (Certificate Consumer). Desarrollamos el servicio de correo web «Buzón Ibérico», que valida y utiliza certificados S/MIME.
• Nombre de la organización: Correo Seguro Ibérico, S.L.
• Sitio web: www.correoseguroiberico.es
• Acuerdo IPR v1.4: firmado, va adjunto.
• Representantes: yo mismo seré el representante con derecho a voto; además, Lucía Benítez (lbenitez@correoseguroiberico.es), responsable de producto, participará sin voto.

Quedamos a la espera de sus noticias.

Un saludo cordial,

--
Javier Ortega Ruiz
Director de Tecnología (CTO)
Correo Seguro Ibérico, S.L.
C/ de Colón 18, 46004 Valencia
Tel. +34 963 52 18 40 · Móvil +34 611 402 337
"""
    html = '<div dir="ltr">' + ''.join(
        '<div>%s</div>' % (l.replace('<', '&lt;') or '<br>') for l in text.split('\n')[:-1]) + '</div>'
    html = html.replace('lbenitez@correoseguroiberico.es',
                        '<a href="mailto:lbenitez@correoseguroiberico.es">lbenitez@correoseguroiberico.es</a>')
    body = mixed([alternative(text_part(text, charset='utf-8', cte='base64'),
                              text_part(html, 'html', charset='utf-8', cte='base64'),
                              boundary='000000000000a51c3e0625f0b7d2'),
                  attachment(ipr, 'application/pdf', ipr_name)], boundary='000000000000a51c3c0625f0b7d4')
    m1 = finish(body, frm=('Javier Ortega Ruiz', 'jortega@correoseguroiberico.es'),
                subject='Solicitud de adhesión – Grupo de Trabajo S/MIME (Consumidor de certificados)',
                date='Thu, 26 Nov 2026 11:20:33 +0100',
                msgid='<CAJt7Lq3pZ9vXeB1mKoWc4R+2sNyFh8dTgA0uQ@mail.gmail.com>',
                relay='mail-ej1-f52.google.com', ip='209.85.218.52', qid='4ZjM7wQ3Bhz4Tn')
    reps = [rep('Javier Ortega Ruiz', 'jortega@correoseguroiberico.es', True),
            rep('Lucía Benítez', 'lbenitez@correoseguroiberico.es')]
    exp = expect_app(category='certificate_consumer', org='Correo Seguro Ibérico, S.L.',
                     alts=['Correo Seguro Ibérico S.L.', 'Correo Seguro Iberico, S.L.', 'Correo Seguro Ibérico SL'],
                     website='https://www.correoseguroiberico.es', applicant='jortega@correoseguroiberico.es',
                     reps=reps, emergency=None, ipr=(ipr_name, ipr), missing=['emergency_contact'],
                     replies=[('01.eml', ['emergency_contact'])])
    case('f-cc-es-myself-no-emergency',
         'Spanish Certificate Consumer (S.L.), Gmail multipart/alternative, UTF-8 base64; bullet list with the '
         'category in Spanish plus English; "yo mismo seré el representante con derecho a voto" = the sender; web '
         'site without scheme; no emergency contact given - the signature carries office and mobile numbers, which '
         'must not be taken as one; incomplete (emergency_contact).',
         ['category:certificate_consumer', 'missing-items', 'spanish', 'non-english', 'utf-8', 'base64', 'gmail',
          'multipart-alternative', 'myself', 'www-no-scheme', 'ipr-pdf', 'ipr-v1.4', 'signature-distractors'],
         [m1], exp)


# =============================================================================
# 4. Italian CI S.p.A., Outlook HTML with Safe Links behind link words, 5-column HTML table
# =============================================================================
def c04():
    ipr_name = 'Accordo_IPR_v1.4_FDL_firmato_digitalmente.pdf'
    ipr = make_ipr_pdf('1.4', 'Digitally signed by Alessandro Mantovani', 'Alessandro Mantovani',
                       'Amministratore Delegato', 'Fiduciaria Digitale Lombarda S.p.A.', '23/11/2026',
                       'Adobe Acrobat Sign', 'D:20261123140000Z')
    site, audit = 'https://www.fidulomb.it/', 'https://www.fidulomb.it/documenti/audit/CAR_ETSI_2026_FDL.pdf'
    c1, c2 = 'https://crt.sh/?id=16022874519', 'https://crt.sh/?id=16022901337'
    sl = {u: safelinks(u) for u in (site, audit, c1, c2)}
    rows = [('Giulia Ferraris', 'Responsabile Conformità PKI', 'giulia.ferraris@fidulomb.it', '+39 02 8728 4401', 'Sì'),
            ('Marco Bellandi', 'Direttore Tecnico', 'marco.bellandi@fidulomb.it', '+39 02 8728 4402', 'No')]
    td = 'style="border:solid #BFBFBF 1.0pt;padding:0cm 5.4pt 0cm 5.4pt"'
    table = ('<table class="MsoTableGrid" border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse;border:none">'
             '<tr>' + ''.join('<td %s><p class="MsoNormal"><b>%s</b></p></td>' % (td, h) for h in
                              ('Nome', 'Ruolo aziendale', 'E-mail', 'Telefono', 'Diritto di voto')) + '</tr>')
    for r in rows:
        table += '<tr>' + ''.join('<td %s><p class="MsoNormal">%s</p></td>' % (
            td, ('<a href="mailto:%s">%s</a>' % (c, c)) if '@' in c else c) for c in r) + '</tr>'
    table += '</table>'
    P = lambda s: '<p class="MsoNormal">%s</p>\n' % s
    html = ('<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta http-equiv="Content-Type" '
            'content="text/html; charset=iso-8859-15"><meta name="Generator" content="Microsoft Word 15 (filtered medium)">'
            '</head><body lang="IT" link="#0563C1" vlink="#954F72"><div class="WordSection1">\n'
            + P('Buongiorno,') + P('&nbsp;')
            + P('con la presente <b>Fiduciaria Digitale Lombarda S.p.A.</b>, prestatore di servizi fiduciari qualificato, '
                'chiede di aderire al S/MIME Certificate Working Group nella categoria <b>Certificate Issuer</b> '
                '(emittente di certificati).') + P('&nbsp;')
            + P('&#8226; Denominazione: Fiduciaria Digitale Lombarda S.p.A.')
            + P('&#8226; Sito istituzionale: <a href="%s">il nostro sito web</a>' % sl[site])
            + P('&#8226; Audit ETSI EN 319 411-1 (Conformity Assessment Report 2026): <a href="%s">rapporto di audit</a>' % sl[audit])
            + P('&#8226; Certificati S/MIME emessi, riconosciuti validi da Microsoft Outlook e Apple Mail: '
                '<a href="%s">certificato 1</a>, <a href="%s">certificato 2</a>' % (sl[c1], sl[c2]))
            + P('&#8226; Accordo IPR v1.4 firmato digitalmente: in allegato')
            + P('&#8226; Contatto di emergenza: <a href="mailto:pki-emergenze@fidulomb.it">pki-emergenze@fidulomb.it</a>, '
                '+39 02 8728 4410 (reperibilità H24)') + P('&nbsp;')
            + P('Rappresentanti designati:') + table + P('&nbsp;')
            + P('Cordiali saluti,') + P('&nbsp;')
            + P('<b><span style="color:#1F3864">Giulia Ferraris</span></b>')
            + P('<span style="color:#1F3864">Responsabile Conformità PKI</span>')
            + P('<span style="color:#1F3864">Fiduciaria Digitale Lombarda S.p.A. | Via Fatebenefratelli 22, 20121 Milano</span>')
            + P('<span style="font-size:8.0pt;color:gray">Questo messaggio e i suoi allegati sono destinati esclusivamente '
                'al destinatario. Capitale sociale &#8364; 2.500.000 i.v. - REA MI-1987654</span>')
            + '</div></body></html>')
    plain = f"""Buongiorno,

con la presente Fiduciaria Digitale Lombarda S.p.A., prestatore di servizi fiduciari qualificato, chiede di aderire al S/MIME Certificate Working Group nella categoria Certificate Issuer (emittente di certificati).

* Denominazione: Fiduciaria Digitale Lombarda S.p.A.
* Sito istituzionale: il nostro sito web<{sl[site]}>
* Audit ETSI EN 319 411-1 (Conformity Assessment Report 2026): rapporto di audit<{sl[audit]}>
* Certificati S/MIME emessi, riconosciuti validi da Microsoft Outlook e Apple Mail: certificato 1<{sl[c1]}>, certificato 2<{sl[c2]}>
* Accordo IPR v1.4 firmato digitalmente: in allegato
* Contatto di emergenza: pki-emergenze@fidulomb.it<mailto:pki-emergenze@fidulomb.it>, +39 02 8728 4410 (reperibilità H24)

Rappresentanti designati:

Nome
Ruolo aziendale
E-mail
Telefono
Diritto di voto
Giulia Ferraris
Responsabile Conformità PKI
giulia.ferraris@fidulomb.it<mailto:giulia.ferraris@fidulomb.it>
+39 02 8728 4401
Sì
Marco Bellandi
Direttore Tecnico
marco.bellandi@fidulomb.it<mailto:marco.bellandi@fidulomb.it>
+39 02 8728 4402
No

Cordiali saluti,

Giulia Ferraris
Responsabile Conformità PKI
Fiduciaria Digitale Lombarda S.p.A. | Via Fatebenefratelli 22, 20121 Milano
Questo messaggio e i suoi allegati sono destinati esclusivamente al destinatario. Capitale sociale € 2.500.000 i.v. - REA MI-1987654
"""
    body = mixed([alternative(text_part(plain, charset='iso-8859-15', cte='quoted-printable'),
                              text_part(html, 'html', charset='iso-8859-15', cte='quoted-printable'),
                              boundary='_000_AM9PR04MB8211C3D9F1E2A4B5C6D7E8F9AM9PR04MB8211eurp_'),
                  attachment(ipr, 'application/pdf', ipr_name)],
                 boundary='_004_AM9PR04MB8211C3D9F1E2A4B5C6D7E8F9AM9PR04MB8211eurp_')
    m1 = finish(body, frm=('Giulia Ferraris', 'giulia.ferraris@fidulomb.it'),
                subject='Domanda di adesione SMCWG - Fiduciaria Digitale Lombarda S.p.A.',
                date='Mon, 23 Nov 2026 15:07:55 +0000',
                msgid='<AM9PR04MB8211C3D9F1E2A4B5C6D7E8F9@AM9PR04MB8211.eurprd04.prod.outlook.com>',
                relay='mail-am6eur05on2071.outbound.protection.outlook.com', ip='40.107.22.71', qid='4ZhB0sL2yQz9Kd',
                charset='iso-8859-15',
                extra=[('Thread-Topic', 'Domanda di adesione SMCWG - Fiduciaria Digitale Lombarda S.p.A.'),
                       ('Content-Language', 'it-IT'), ('X-MS-Has-Attach', 'yes')])
    reps = [rep('Giulia Ferraris', 'giulia.ferraris@fidulomb.it', True), rep('Marco Bellandi', 'marco.bellandi@fidulomb.it')]
    exp = expect_app(category='certificate_issuer', org='Fiduciaria Digitale Lombarda S.p.A.',
                     alts=['Fiduciaria Digitale Lombarda SpA', 'Fiduciaria Digitale Lombarda'],
                     website='https://www.fidulomb.it', applicant='giulia.ferraris@fidulomb.it', reps=reps,
                     emergency={'email': 'pki-emergenze@fidulomb.it', 'phone': '+39 02 8728 4410'},
                     audit=audit, ev_min=2, ipr=(ipr_name, ipr), missing=[], replies=[('01.eml', [])])
    case('f-ci-it-spa-safelinks-html-table',
         'Italian Certificate Issuer (S.p.A.), Outlook/M365 multipart/alternative in ISO-8859-15 QP; web site, '
         'audit report and two crt.sh links hidden behind Italian link words ("il nostro sito web", "rapporto di '
         'audit", "certificato 1/2") whose targets are Microsoft Safe Links; the plain part uses Outlook word<url>; '
         'representatives in a 5-column HTML table (Nome | Ruolo | E-mail | Telefono | Diritto di voto) that '
         'flattens to one cell per line in text/plain; legal footer; complete.',
         ['category:certificate_issuer', 'complete', 'italian', 'non-english', 'charset-iso-8859-15',
          'quoted-printable', 'outlook', 'multipart-alternative', 'html', 'safelinks', 'hyperlinked-words',
          'word-url-angle', 'html-table', 'reps-table', 'crtsh', 'etsi', 'ipr-pdf', 'ipr-v1.4', 'legal-form-spa',
          'hyphen-address', 'signature-distractors'], [m1], exp)


# =============================================================================
# 5. Dutch CI B.V., HTML-only windows-1252, link words hide URLs, mailto links show only names
# =============================================================================
def c05():
    ipr_name = 'IPR-overeenkomst v1.4 ZCD ondertekend.pdf'
    ipr = make_ipr_pdf('1.4', '/s/ Marloes Verhage', 'Marloes Verhage', 'Algemeen directeur',
                       'Zeeuwse Certificatiedienst B.V.', '27-11-2026', 'Microsoft Word', 'D:20261127084500Z')
    html = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head>
<body><div style="font-family:Calibri,Arial,sans-serif;font-size:11pt">
<p>Geachte heer, mevrouw,</p>
<p>Namens Zeeuwse Certificatiedienst B.V. meld ik ons aan als lid van de S/MIME Certificate Working Group, in de categorie <b>Certificate Issuer</b> (certificaatuitgever). Wij geven sinds 2021 S/MIME-certificaten uit aan Nederlandse gemeenten, waterschappen en zorginstellingen.</p>
<p>Meer over ons vindt u op <a href="https://www.zeeuwsecert.nl/">onze website</a>. Ons meest recente <a href="https://www.cpacanada.ca/webtrustseal?sealid=11873">WebTrust-auditrapport</a> (WebTrust for CAs en WebTrust for S/MIME) is openbaar. Voorbeelden van uitgegeven certificaten die door Outlook en Thunderbird als geldig worden geaccepteerd: <a href="https://crt.sh/?id=15410087732">voorbeeld&nbsp;1</a> en <a href="https://crt.sh/?id=15410093315">voorbeeld&nbsp;2</a>.</p>
<p>De ondertekende IPR-overeenkomst (versie 1.4) vindt u in de bijlage.</p>
<p>Onze vertegenwoordigers zijn <a href="mailto:p.vandenberg@zeeuwsecert.nl">Pieter van den Berg</a> (stemgerechtigd) en <a href="mailto:s.dejong@zeeuwsecert.nl">Sanne de Jong</a>.</p>
<p>Contactpunt voor noodgevallen (intrekking van certificaten, beveiligingsincidenten), 24/7 bereikbaar:<br>
pki-noodgeval@zeeuwsecert.nl<br>
+31 118 745 990</p>
<p>Met vriendelijke groet,</p>
<p><b>Pieter van den Berg</b><br>
Hoofd PKI-operaties<br>
Zeeuwse Certificatiedienst B.V.<br>
Kousteensedijk 7, 4331 JE Middelburg<br>
<span style="color:#808080">KvK 20123456 &#183; T +31 118 745 900</span></p>
</div></body></html>
"""
    body = mixed([text_part(html, 'html', charset='windows-1252', cte='quoted-printable'),
                  attachment(ipr, 'application/pdf', ipr_name)], boundary='=_zcd_5f2a9c41e7b03d68_=')
    m1 = finish(body, frm=('Pieter van den Berg', 'p.vandenberg@zeeuwsecert.nl'),
                subject='Aanmelding lidmaatschap S/MIME Certificate Working Group — Zeeuwse Certificatiedienst B.V.',
                date='Fri, 27 Nov 2026 09:31:12 +0100', msgid='<20261127083112.7c1e9a@webmail.zeeuwsecert.nl>',
                relay='smtp.zeeuwsecert.nl', ip='192.0.2.77', qid='4ZjX1mNc0Rz6Ga', charset='windows-1252',
                extra=[('X-Mailer', 'Zimbra 10.1.2_GA_4180 (ZimbraWebClient - FF132 (Win)/10.1.2_GA_4180)')])
    reps = [rep('Pieter van den Berg', 'p.vandenberg@zeeuwsecert.nl', True), rep('Sanne de Jong', 's.dejong@zeeuwsecert.nl')]
    exp = expect_app(category='certificate_issuer', org='Zeeuwse Certificatiedienst B.V.',
                     alts=['Zeeuwse Certificatiedienst BV', 'Zeeuwse Certificatiedienst'],
                     website='https://www.zeeuwsecert.nl', applicant='p.vandenberg@zeeuwsecert.nl', reps=reps,
                     emergency={'email': 'pki-noodgeval@zeeuwsecert.nl', 'phone': '+31 118 745 990'},
                     audit='https://www.cpacanada.ca/webtrustseal?sealid=11873', ev_min=2, ipr=(ipr_name, ipr),
                     missing=[], replies=[('01.eml', [])])
    case('f-ci-nl-bv-hidden-links-mailto',
         'Dutch Certificate Issuer (B.V.), HTML-only windows-1252 QP (Zimbra); every URL hidden behind Dutch link '
         'words ("onze website", "WebTrust-auditrapport", "voorbeeld 1/2"); both representatives are mailto links '
         'that show only the name; hyphenated emergency address on its own line after <br>; signature with KvK and '
         'office phone; complete.',
         ['category:certificate_issuer', 'complete', 'dutch', 'non-english', 'charset-windows-1252',
          'quoted-printable', 'html-only', 'hyperlinked-words', 'mailto-name-only', 'webtrust', 'crtsh', 'ipr-pdf',
          'ipr-v1.4', 'legal-form-bv', 'hyphen-address', 'emergency-own-line', 'signature-distractors'], [m1], exp)


# =============================================================================
# 6. Portuguese IP Lda., ISO-8859-1 base64, only an outdated v1.3 agreement
# =============================================================================
def c06():
    ipr_name = 'Acordo_IPR_CABForum_assinado.pdf'
    ipr = make_ipr_pdf('1.3', '/s/ Rui Carvalho', 'Rui Carvalho', 'Socio-gerente',
                       'Fortaleza Correio Digital, Lda.', '14 March 2025', 'Microsoft Word', 'D:20250314120000Z')
    text = """Exmos. Senhores,

A Fortaleza Correio Digital, Lda. gostaria de participar no S/MIME Certificate Working Group na qualidade de Parte Interessada (Interested Party). Somos uma pequena empresa de Lisboa que desenvolve soluções de correio eletrónico seguro para autarquias.

Dados da candidatura:

Organização: Fortaleza Correio Digital, Lda.
Sítio web: https://www.correiofortaleza.pt
Representantes: Rui Carvalho (rui.carvalho@correiofortaleza.pt) e Inês Tavares (ines.tavares@correiofortaleza.pt)
Contacto de emergência: seguranca@correiofortaleza.pt / +351 21 340 7788
Acordo de Propriedade Intelectual (IPR): segue em anexo, assinado pela gerência.

Com os melhores cumprimentos,

Rui Carvalho
Sócio-gerente
Fortaleza Correio Digital, Lda.
Rua da Prata 211, 1100-417 Lisboa
"""
    body = mixed([text_part(text, charset='iso-8859-1', cte='base64'),
                  attachment(ipr, 'application/pdf', ipr_name)], boundary='----=_Part_118273_1794265512.1764155520311')
    m1 = finish(body, frm=('Rui Carvalho', 'rui.carvalho@correiofortaleza.pt'),
                subject='Participação como Interested Party no S/MIME Certificate Working Group',
                date='Wed, 25 Nov 2026 14:52:00 +0000', msgid='<1479203311.88211.1764082320155@webmail.correiofortaleza.pt>',
                relay='mail.correiofortaleza.pt', ip='198.51.100.140', qid='4ZjB9pTq2Rz5Yx', charset='iso-8859-1',
                extra=[('X-Mailer', 'Open-Xchange Mailer v7.10.6-Rev62')])
    reps = [rep('Rui Carvalho', 'rui.carvalho@correiofortaleza.pt'), rep('Inês Tavares', 'ines.tavares@correiofortaleza.pt')]
    exp = expect_app(category='interested_party', org='Fortaleza Correio Digital, Lda.',
                     alts=['Fortaleza Correio Digital Lda', 'Fortaleza Correio Digital'],
                     website='https://www.correiofortaleza.pt', applicant='rui.carvalho@correiofortaleza.pt', reps=reps,
                     emergency={'email': 'seguranca@correiofortaleza.pt', 'phone': '+351 21 340 7788'},
                     ipr=None, missing=['ipr_agreement'], replies=[('01.eml', ['ipr_agreement'])])
    case('f-ip-pt-lda-v13-only',
         'Portuguese Interested Party (Lda.), ISO-8859-1 base64 plain text (Open-Xchange); labels in European '
         'Portuguese ("Sítio web", "Contacto de emergência"); the only attachment is a signed IPR agreement on the '
         'outdated v1.3 form dated March 2025 (filename without a version) - not sufficient after 2026-06-01; '
         'incomplete (ipr_agreement).',
         ['category:interested_party', 'missing-items', 'portuguese', 'non-english', 'charset-iso-8859-1', 'base64',
          'plain-text', 'label-value', 'ipr-pdf', 'ipr-v1.3-after-cutoff', 'legal-form-lda'], [m1], exp)


# =============================================================================
# 7. Polish CI Sp. z o.o., Outlook plain text windows-1250 QP, word<url>, v1.3 + v1.4 attached
# =============================================================================
def c07():
    old_name = 'Umowa_IPR_CABF_v1.3_2024.pdf'
    old = make_ipr_pdf('1.3', '/s/ Andrzej Nowicki', 'Andrzej Nowicki', 'Prezes Zarządu',
                       'Certyfikacja Bałtycka Sp. z o.o.', '2024-05-06', 'Microsoft Word', 'D:20240506100000Z')
    new_name = 'Umowa_IPR_CABF_v1.4_podpisana_2026-11-30.pdf'
    new = make_ipr_pdf('1.4', 'Digitally signed by Andrzej Nowicki', 'Andrzej Nowicki', 'Prezes Zarządu',
                       'Certyfikacja Bałtycka Sp. z o.o.', '2026-11-30', 'Adobe Acrobat Sign', 'D:20261130091000Z')
    text = """Szanowni Państwo,

w imieniu spółki Certyfikacja Bałtycka Sp. z o.o. z siedzibą w Gdyni składam wniosek o przyjęcie do S/MIME Certificate Working Group w kategorii Certificate Issuer (wystawca certyfikatów).

Strona internetowa<https://www.certbaltyk.pl/>
Raport z audytu WebTrust for CAs i WebTrust for S/MIME<https://www.cpacanada.ca/webtrustseal?sealid=12204>
Przykładowe certyfikaty końcowe: certyfikat 1<https://crt.sh/?id=15799012841>, certyfikat 2<https://crt.sh/?id=15799034410>

Przedstawiciele:
Katarzyna Wróblewska – Dyrektor ds. Zgodności – k.wroblewska@certbaltyk.pl<mailto:k.wroblewska@certbaltyk.pl> – przedstawiciel z prawem głosu
Tomasz Zieliński – Kierownik Zespołu PKI – t.zielinski@certbaltyk.pl<mailto:t.zielinski@certbaltyk.pl>

Kontakt awaryjny (bezpieczeństwo, unieważnianie certyfikatów):
cert-awaryjny@certbaltyk.pl<mailto:cert-awaryjny@certbaltyk.pl>, tel. +48 58 620 44 90

W załączniku przesyłam podpisaną umowę IPR w wersji 1.4. Dla porządku dołączam także naszą wcześniejszą umowę w wersji 1.3 z 2024 r.

Z poważaniem
Katarzyna Wróblewska
Dyrektor ds. Zgodności | Certyfikacja Bałtycka Sp. z o.o.
ul. Świętojańska 45, 81-391 Gdynia | tel. +48 58 620 44 00
KRS 0000456789, NIP 586-123-45-67
"""
    body = mixed([text_part(text, charset='windows-1250', cte='quoted-printable'),
                  attachment(old, 'application/pdf', old_name), attachment(new, 'application/pdf', new_name)],
                 boundary='_002_DB9PR02MB7315A1B2C3D4E5F6A7B8C9D0DB9PR02MB7315eurp_')
    m1 = finish(body, frm=('Katarzyna Wróblewska', 'k.wroblewska@certbaltyk.pl'),
                subject='Wniosek o członkostwo w SMCWG – Certyfikacja Bałtycka Sp. z o.o.',
                date='Mon, 30 Nov 2026 10:18:44 +0000',
                msgid='<DB9PR02MB7315A1B2C3D4E5F6A7B8C9D0@DB9PR02MB7315.eurprd02.prod.outlook.com>',
                relay='mail-db8eur05on2102.outbound.protection.outlook.com', ip='40.107.20.102', qid='4ZkC4rHs8Vz2Pq',
                charset='windows-1250',
                extra=[('Thread-Topic', hdr('Wniosek o członkostwo w SMCWG – Certyfikacja Bałtycka Sp. z o.o.', 'windows-1250')),
                       ('Content-Language', 'pl-PL'), ('X-MS-Has-Attach', 'yes')])
    reps = [rep('Katarzyna Wróblewska', 'k.wroblewska@certbaltyk.pl', True), rep('Tomasz Zieliński', 't.zielinski@certbaltyk.pl')]
    exp = expect_app(category='certificate_issuer', org='Certyfikacja Bałtycka Sp. z o.o.',
                     alts=['Certyfikacja Baltycka Sp. z o.o.', 'Certyfikacja Bałtycka'],
                     website='https://www.certbaltyk.pl', applicant='k.wroblewska@certbaltyk.pl', reps=reps,
                     emergency={'email': 'cert-awaryjny@certbaltyk.pl', 'phone': '+48 58 620 44 90'},
                     audit='https://www.cpacanada.ca/webtrustseal?sealid=12204', ev_min=2, ipr=(new_name, new),
                     missing=[], replies=[('01.eml', [])])
    case('f-ci-pl-spzoo-outlook-angle-v13-v14',
         'Polish Certificate Issuer (Sp. z o.o.), Outlook plain text windows-1250 QP; web site, audit and crt.sh in '
         "Outlook's word<https://...> form with no label other than the link word; representatives as en-dash "
         'separated lines with job titles and address<mailto:...>; emergency address hyphenated; the outdated v1.3 '
         'agreement (2024) and the current signed v1.4 agreement are both attached - the v1.4 one counts; complete.',
         ['category:certificate_issuer', 'complete', 'polish', 'non-english', 'charset-windows-1250',
          'quoted-printable', 'outlook', 'plain-text', 'word-url-angle', 'webtrust', 'crtsh', 'ipr-pdf', 'ipr-v1.4',
          'ipr-v1.3-and-v1.4', 'two-ipr-pdfs', 'legal-form-sp-z-oo', 'hyphen-address', 'signature-distractors'],
         [m1], exp)


# =============================================================================
# 8. Czech CC s.r.o., ISO-8859-2 8bit, six-column space-aligned text table
# =============================================================================
def c08():
    ipr_name = 'Dohoda_IPR_CABF_v1.4_PKM_podepsana.pdf'
    ipr = make_ipr_pdf('1.4', '/s/ Radek Svoboda', 'Radek Svoboda', 'jednatel',
                       'Poštovní Klient Morava s.r.o.', '1. 12. 2026', 'Microsoft Word', 'D:20261201090000Z')
    hdrs = ['Jméno', 'Funkce', 'E-mail', 'Telefon', 'Role', 'Hlasuje']
    rows = [['Ondřej Kratochvíl', 'technický ředitel', 'ondrej.kratochvil@postaklient.cz', '+420 541 212 901', 'hlavní zástupce', 'ano'],
            ['Veronika Šťastná', 'vedoucí vývoje', 'veronika.stastna@postaklient.cz', '+420 541 212 917', 'zástupce', 'ne'],
            ['Lukáš Dvořák', 'bezpečnostní analytik', 'lukas.dvorak@postaklient.cz', '+420 541 212 934', 'zástupce', 'ne']]
    w = [max(len(r[i]) for r in rows + [hdrs]) for i in range(6)]
    fmt = lambda r: '  '.join(c.ljust(w[i]) for i, c in enumerate(r)).rstrip()
    table = '\n'.join([fmt(hdrs), '  '.join('-' * x for x in w)] + [fmt(r) for r in rows])
    text = f"""Dobrý den,

společnost Poštovní Klient Morava s.r.o. vyvíjí poštovního klienta "Morava Mail" pro Windows a Linux s plnou podporou S/MIME. Rádi bychom se připojili k pracovní skupině SMCWG.

Kategorie členství: Certificate Consumer (spotřebitel certifikátů)
Název organizace:   Poštovní Klient Morava s.r.o.
Webové stránky:     https://www.postaklient.cz
Dohoda IPR:         podepsaná verze 1.4 v příloze
Nouzový kontakt:    bezpecnost@postaklient.cz, +420 541 212 990 (nepřetržitě)

Zástupci pro pracovní skupinu:

{table}

Děkujeme a těšíme se na spolupráci.

S pozdravem
Ondřej Kratochvíl
technický ředitel
Poštovní Klient Morava s.r.o., Hybešova 42, 602 00 Brno
IČO 12345678
"""
    body = mixed([text_part(text, charset='iso-8859-2', cte='8bit'),
                  attachment(ipr, 'application/pdf', ipr_name)], boundary='------------0HkT7cQ2vZ5mB9xW3rLpN4sA')
    m1 = finish(body, frm=('Ondřej Kratochvíl', 'ondrej.kratochvil@postaklient.cz'),
                subject='Přihláška do S/MIME Certificate Working Group - Poštovní Klient Morava s.r.o.',
                date='Tue, 01 Dec 2026 13:05:29 +0100', msgid='<a3f9c1d2-6e57-4b08-9c31-7d2e8f4a5b60@postaklient.cz>',
                relay='smtp.postaklient.cz', ip='203.0.113.152', qid='4ZkL8nVb3Tz7Qe', charset='iso-8859-2',
                extra=[('User-Agent', 'Mozilla Thunderbird 115.16.0'), ('Content-Language', 'cs')])
    reps = [rep('Ondřej Kratochvíl', 'ondrej.kratochvil@postaklient.cz', True),
            rep('Veronika Šťastná', 'veronika.stastna@postaklient.cz'), rep('Lukáš Dvořák', 'lukas.dvorak@postaklient.cz')]
    exp = expect_app(category='certificate_consumer', org='Poštovní Klient Morava s.r.o.',
                     alts=['Postovni Klient Morava s.r.o.', 'Poštovní Klient Morava spol. s r.o.', 'Poštovní Klient Morava'],
                     website='https://www.postaklient.cz', applicant='ondrej.kratochvil@postaklient.cz', reps=reps,
                     emergency={'email': 'bezpecnost@postaklient.cz', 'phone': '+420 541 212 990'},
                     ipr=(ipr_name, ipr), missing=[], replies=[('01.eml', [])])
    case('f-cc-cs-sro-six-column-table',
         'Czech Certificate Consumer (s.r.o.), ISO-8859-2 8bit plain text (Thunderbird); Czech labels aligned with '
         'spaces; three representatives in a six-column space-aligned text table (Jméno | Funkce | E-mail | Telefon | '
         'Role | Hlasuje) with the vote as "ano"/"ne"; complete.',
         ['category:certificate_consumer', 'complete', 'czech', 'non-english', 'charset-iso-8859-2', '8bit',
          'plain-text', 'thunderbird', 'label-value', 'reps-table', 'ipr-pdf', 'ipr-v1.4', 'legal-form-sro'],
         [m1], exp)


# =============================================================================
# 9. Japanese CI K.K., ISO-2022-JP 7bit, DER attachment, Message-Id without angle brackets
# =============================================================================
def c09():
    ipr_name = 'CABF_IPR_Agreement_v1.4_Minato_signed.pdf'
    ipr = make_ipr_pdf('1.4', 'Digitally signed by Hiroshi Fujita', 'Hiroshi Fujita', 'Representative Director',
                       'Minato Electronic Certification K.K.', '2026-11-20', 'Adobe Acrobat Sign', 'D:20261120020000Z')
    text = """CA/Browser Forum 御中

いつもお世話になっております。
株式会社みなと電子認証 認証局運用部の佐藤でございます。
弊社は S/MIME Certificate Working Group への入会を申し込みます。

■ 会員区分：Certificate Issuer（証明書発行者）
■ 組織名：株式会社みなと電子認証（Minato Electronic Certification K.K.）
■ ウェブサイト：https://www.minato-ninsho.co.jp
■ 監査報告書（WebTrust for CAs / WebTrust for S/MIME）：
　https://www.cpacanada.ca/webtrustseal?sealid=12377
■ 発行済みエンドエンティティ証明書：
　https://crt.sh/?id=15660321987
　（もう1件は DER 形式のファイルで添付いたします）
■ IPR 契約書：v1.4、代表取締役の署名済み（PDF 添付）
■ 代表者：
　・佐藤 健一（k.sato@minato-ninsho.co.jp）― 議決権を持つ代表者
　・高橋 美咲（m.takahashi@minato-ninsho.co.jp）
■ 緊急連絡先（証明書の信頼性に関わるセキュリティ事案）：
　pki-security@minato-ninsho.co.jp／+81 3 5412 7790（24時間対応）

ご確認のほど、何卒よろしくお願い申し上げます。

――――――――――――――――――――
株式会社みなと電子認証
認証局運用部 部長
佐藤 健一
〒105-0022 東京都港区海岸1-2-3
TEL: 03-5412-7700
――――――――――――――――――――
"""
    body = mixed([text_part(text, charset='iso-2022-jp', cte='7bit'),
                  attachment(DER_CERT, 'application/pkix-cert', 'smime_ee_sample.cer'),
                  attachment(ipr, 'application/pdf', ipr_name)], boundary='------_5F3A1C2B7E9D0_MULTIPART_MIXED_')
    m1 = finish(body, frm=('佐藤 健一', 'k.sato@minato-ninsho.co.jp'),
                subject='SMCWG 入会申込書（株式会社みなと電子認証）',
                date='Tue, 24 Nov 2026 10:30:15 +0900', msgid='20261124103015.ks7731.4F2A1@mail.minato-ninsho.co.jp',
                relay='mail.minato-ninsho.co.jp', ip='192.0.2.201', qid='4ZhD2kWm6Nz0Cs', charset='iso-2022-jp',
                extra=[('X-Mailer', 'Becky! ver. 2.81.07 [ja]')])
    reps = [rep('佐藤 健一', 'k.sato@minato-ninsho.co.jp', True), rep('高橋 美咲', 'm.takahashi@minato-ninsho.co.jp')]
    exp = expect_app(category='certificate_issuer', org='株式会社みなと電子認証',
                     alts=['Minato Electronic Certification K.K.', '株式会社みなと電子認証（Minato Electronic Certification K.K.）'],
                     website='https://www.minato-ninsho.co.jp', applicant='k.sato@minato-ninsho.co.jp', reps=reps,
                     emergency={'email': 'pki-security@minato-ninsho.co.jp', 'phone': '+81 3 5412 7790'},
                     audit='https://www.cpacanada.ca/webtrustseal?sealid=12377', ev_min=2, ipr=(ipr_name, ipr),
                     missing=[], replies=[('01.eml', [])])
    case('f-ci-ja-kk-iso2022jp-der-bare-msgid',
         'Japanese Certificate Issuer (株式会社 / K.K.), ISO-2022-JP 7bit (Becky!), "■ label：value" block with '
         'full-width colons and indented full-width-space continuation lines; one crt.sh link plus one DER '
         'certificate; emergency address and phone separated by a full-width slash; Message-Id header without '
         'angle brackets (must be kept as written, bracketed); complete.',
         ['category:certificate_issuer', 'complete', 'japanese', 'non-english', 'charset-iso-2022-jp', '7bit',
          'plain-text', 'label-value', 'webtrust', 'crtsh', 'der-attachment', 'ipr-pdf', 'ipr-v1.4', 'legal-form-kk',
          'hyphen-address', 'message-id-no-brackets', 'signature-distractors'], [m1], exp)


# =============================================================================
# 10. Chinese IP Co., Ltd., GBK base64 (Foxmail), markdown 3-col table, web site only in signature
# =============================================================================
def c10():
    ipr_name = '安信邮_CABF_IPR协议_v1.4_签字盖章.pdf'
    ipr = make_ipr_pdf('1.4', '/s/ Chen Xiaofeng', 'Chen Xiaofeng', 'Product Director',
                       'Shenzhen Anxinyou Technology Co., Ltd.', '2026-11-27', 'Microsoft Word', 'D:20261127030000Z')
    text = """尊敬的 CA/浏览器论坛：

您好！我们是深圳安信邮科技有限公司（Shenzhen Anxinyou Technology Co., Ltd.），专注于企业邮件加密网关的研发。我司希望以利益相关方（Interested Party）身份参加 S/MIME 证书工作组（SMCWG）。

申请信息如下：

机构名称：深圳安信邮科技有限公司
参会代表：

| 姓名 | 邮箱 | 角色 |
|------|------|------|
| 陈晓峰 | chenxf@anxinyou.com.cn | 代表 |
| 王丽娜 | wangln@anxinyou.com.cn | 代表 |

紧急联系方式：security@anxinyou.com.cn，+86 755 8666 2190（7×24小时）
知识产权协议（IPR v1.4）：已签字盖章，见附件。

如需补充材料，请随时联系。

此致
敬礼！

陈晓峰
产品总监
深圳安信邮科技有限公司
www.anxinyou.com.cn
电话：+86 755 8666 2100
地址：深圳市南山区科技园高新南七道18号
"""
    html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=GBK"></head><body>' + ''.join(
        '<div>%s</div>' % (l or '<br>') for l in text.split('\n')[:-1]) + '</body></html>'
    body = mixed([alternative(text_part(text, charset='gbk', cte='base64'),
                              text_part(html, 'html', charset='gbk', cte='base64'),
                              boundary='----=_NextPart_6A3E1F20_0B7C49D8_3F51A2E6'),
                  attachment(ipr, 'application/pdf', ipr_name)], boundary='----=_NextPart_6A3E1F20_0B7C49D8_5D02C7A1')
    m1 = finish(body, frm=('陈晓峰', 'chenxf@anxinyou.com.cn'),
                subject='申请以利益相关方（Interested Party）身份参加 S/MIME 证书工作组',
                date='Fri, 27 Nov 2026 11:46:02 +0800', msgid='<tencent_5E2B9C7A41D03F68A1B2C3D4@qq.com>',
                relay='smtpbgsg2.qq.com', ip='54.254.200.92', qid='4ZjQ5cRf1Wz8Hm', charset='gbk',
                extra=[('X-Mailer', 'Foxmail 7.2.25.375[cn]')])
    reps = [rep('陈晓峰', 'chenxf@anxinyou.com.cn'), rep('王丽娜', 'wangln@anxinyou.com.cn')]
    exp = expect_app(category='interested_party', org='深圳安信邮科技有限公司',
                     alts=['Shenzhen Anxinyou Technology Co., Ltd.', 'Shenzhen Anxinyou Technology Co., Ltd'],
                     website=None, applicant='chenxf@anxinyou.com.cn', reps=reps,
                     emergency={'email': 'security@anxinyou.com.cn', 'phone': '+86 755 8666 2190'},
                     ipr=(ipr_name, ipr), missing=['website_url'], replies=[('01.eml', ['website_url'])])
    case('f-ip-zh-gbk-website-signature-only',
         'Chinese Interested Party (有限公司 / Co., Ltd.), Foxmail multipart/alternative in GBK base64; category '
         'in Chinese with the English name in brackets; representatives in a 3-column markdown table with Chinese '
         'headers; emergency contact with full-width comma; the web site appears only as a bare www. line in the '
         'signature and is not stated - incomplete (website_url).',
         ['category:interested_party', 'missing-items', 'chinese', 'non-english', 'charset-gbk', 'base64', 'foxmail',
          'multipart-alternative', 'markdown-table', 'reps-table', 'website-only-in-signature', 'ipr-pdf', 'ipr-v1.4',
          'legal-form-co-ltd', 'signature-distractors'], [m1], exp)


# =============================================================================
# 11. Korean CC Co., Ltd., EUC-KR base64, representatives only in two vCard 3.0 attachments
# =============================================================================
def vcard30(fn, n, org, title, email_, tel, note=None):
    lines = ['BEGIN:VCARD', 'VERSION:3.0', 'N:%s' % n, 'FN:%s' % fn, 'ORG:%s' % org, 'TITLE:%s' % title,
             'EMAIL;TYPE=INTERNET,WORK,PREF:%s' % email_, 'TEL;TYPE=WORK,VOICE:%s' % tel]
    if note:
        lines.append('NOTE:%s' % note)
    lines.append('END:VCARD')
    return ('\r\n'.join(lines) + '\r\n').encode('utf-8')


def c11():
    ipr_name = 'PureunMail_CABF_IPR_Agreement_v1.4_signed.pdf'
    ipr = make_ipr_pdf('1.4', '/s/ Lee Jaewon', 'Lee Jaewon', 'CEO', 'PureunMail Co., Ltd.', '2026-11-26',
                       'Microsoft Word', 'D:20261126020000Z')
    text = """안녕하세요, CA/Browser Forum 담당자님.

주식회사 푸른메일(PureunMail Co., Ltd.)은 S/MIME 서명 및 암호화 메일을 지원하는 웹메일 서비스 '푸른메일'을 운영하고 있습니다. S/MIME Certificate Working Group 가입을 아래와 같이 신청합니다.

1. 회원 구분: 인증서 소비자 (Certificate Consumer)
2. 기관명: 주식회사 푸른메일 (PureunMail Co., Ltd.)
3. 웹사이트: https://www.pureunmail.co.kr
4. IPR 동의서: 대표이사 서명본(v1.4) 첨부
5. 대표자: 첨부한 연락처 카드(vCard) 2건을 참고해 주십시오. 의결권 대표는 김서연입니다.
6. 비상 연락처: 보안대응팀 cert-team@pureunmail.co.kr / +82 2 6925 3300

감사합니다.

김서연 드림
정보보호팀장 | 주식회사 푸른메일
서울특별시 강남구 테헤란로 152, 12층
"""
    v1 = vcard30('김서연', '김;서연;;;', '주식회사 푸른메일', '정보보호팀장', 'seoyeon.kim@pureunmail.co.kr', '+82-2-6925-3301')
    v2 = vcard30('박준호', '박;준호;;;', '주식회사 푸른메일', '메일플랫폼 개발리드', 'junho.park@pureunmail.co.kr', '+82-2-6925-3318')
    a1 = attachment(v1, 'text/x-vcard', '김서연.vcf')
    a1.set_param('charset', 'utf-8')
    a2 = attachment(v2, 'text/x-vcard', '박준호.vcf')
    a2.set_param('charset', 'utf-8')
    body = mixed([text_part(text, charset='euc-kr', cte='base64'), a1, a2,
                  attachment(ipr, 'application/pdf', ipr_name)], boundary='=_WORKS_c0a8017b5f3e21d94a6b')
    m1 = finish(body, frm=('김서연', 'seoyeon.kim@pureunmail.co.kr'),
                subject='[SMCWG 가입 신청] 주식회사 푸른메일 - Certificate Consumer',
                date='Thu, 26 Nov 2026 15:22:40 +0900', msgid='<bd4a1f09c2e37f5a6b8c@mail.pureunmail.co.kr>',
                relay='mail.pureunmail.co.kr', ip='198.51.100.215', qid='4ZjN3bGd7Kz2Ff', charset='euc-kr')
    reps = [rep('김서연', 'seoyeon.kim@pureunmail.co.kr', True), rep('박준호', 'junho.park@pureunmail.co.kr')]
    exp = expect_app(category='certificate_consumer', org='주식회사 푸른메일',
                     alts=['PureunMail Co., Ltd.', '주식회사 푸른메일 (PureunMail Co., Ltd.)'],
                     website='https://www.pureunmail.co.kr', applicant='seoyeon.kim@pureunmail.co.kr', reps=reps,
                     emergency={'email': 'cert-team@pureunmail.co.kr', 'phone': '+82 2 6925 3300'},
                     ipr=(ipr_name, ipr), missing=[], replies=[('01.eml', [])])
    case('f-cc-ko-euckr-vcard30',
         'Korean Certificate Consumer (주식회사 / Co., Ltd.), EUC-KR base64 plain text with a numbered Korean label '
         'list; the representatives are only in two vCard 3.0 attachments (text/x-vcard, UTF-8, Hangul names and '
         'RFC 2231 filenames); the voting representative is named in the text by her Korean name only (= the '
         'sender, address from her vCard); complete.',
         ['category:certificate_consumer', 'complete', 'korean', 'non-english', 'charset-euc-kr', 'base64',
          'plain-text', 'numbered-list', 'vcard', 'ipr-pdf', 'ipr-v1.4', 'legal-form-co-ltd'], [m1], exp)


# =============================================================================
# 12. Turkish CC A.Ş., described category, windows-1254 QP
# =============================================================================
def c12():
    ipr_name = 'CABF_IPR_Sozlesmesi_v1.4_BPT_imzali.pdf'
    ipr = make_ipr_pdf('1.4', '/s/ Selin Karaca', 'Selin Karaca', 'Genel Müdür',
                       'Boğaziçi Posta Teknolojileri A.Ş.', '25.11.2026', 'Adobe Acrobat Sign', 'D:20261125110000Z')
    text = """Merhaba,

Boğaziçi Posta Teknolojileri A.Ş. olarak CA/Browser Forum S/MIME Certificate Working Group'a katılmak istiyoruz.

Şirketimiz, Android ve iOS için "Boğaziçi Posta" adlı bir e-posta istemci uygulaması geliştirip sürdürüyor. Uygulamamız S/MIME ile imzalanmış ve şifrelenmiş e-postaları işliyor; gönderen ve alıcı sertifikalarını doğruluyor ve güven kararını kullanıcıya gösteriyor. Kendimiz sertifika yayımlamıyoruz.

Kurum adı: Boğaziçi Posta Teknolojileri A.Ş.
Web sitesi: https://www.bogazicipostatek.com.tr
Temsilciler:
  Emre Yıldırım <emre.yildirim@bogazicipostatek.com.tr> - oy hakkına sahip temsilci
  Zeynep Aksoy <zeynep.aksoy@bogazicipostatek.com.tr>
Acil durum iletişim bilgisi: guvenlik-acil@bogazicipostatek.com.tr, +90 212 356 71 40
IPR Sözleşmesi (v1.4): Genel Müdürümüz tarafından imzalanmış olarak ektedir.

Saygılarımla,

Emre Yıldırım
Ürün Güvenliği Müdürü
Boğaziçi Posta Teknolojileri A.Ş. | Maslak Mah. Büyükdere Cad. No:255, 34485 Sarıyer/İstanbul
"""
    body = mixed([text_part(text, charset='windows-1254', cte='quoted-printable'),
                  attachment(ipr, 'application/pdf', ipr_name)], boundary='----=_NextPart_000_0047_01DB3F2A.6C1E8B90')
    m1 = finish(body, frm=('Emre Yıldırım', 'emre.yildirim@bogazicipostatek.com.tr'),
                subject='S/MIME Çalışma Grubu üyelik başvurusu - Boğaziçi Posta Teknolojileri A.Ş.',
                date='Wed, 25 Nov 2026 17:03:51 +0300', msgid='<004601db3f2a$6c1e8b90$445ba2b0$@bogazicipostatek.com.tr>',
                relay='mail.bogazicipostatek.com.tr', ip='203.0.113.88', qid='4ZjC6tYw9Mz1Rb', charset='windows-1254',
                extra=[('X-Mailer', 'Microsoft Outlook 16.0'), ('Thread-Index', 'AdtfKmwei5CyT3bRQ2uLvJ8mN1k0aA=='),
                       ('Content-Language', 'tr')])
    reps = [rep('Emre Yıldırım', 'emre.yildirim@bogazicipostatek.com.tr', True),
            rep('Zeynep Aksoy', 'zeynep.aksoy@bogazicipostatek.com.tr')]
    exp = expect_app(category='certificate_consumer', org='Boğaziçi Posta Teknolojileri A.Ş.',
                     alts=['Bogazici Posta Teknolojileri A.S.', 'Bogaziçi Posta Teknolojileri A.S.', 'Boğaziçi Posta Teknolojileri AŞ', 'Boğaziçi Posta Teknolojileri'],
                     website='https://www.bogazicipostatek.com.tr', applicant='emre.yildirim@bogazicipostatek.com.tr',
                     reps=reps, emergency={'email': 'guvenlik-acil@bogazicipostatek.com.tr', 'phone': '+90 212 356 71 40'},
                     ipr=(ipr_name, ipr), missing=[], replies=[('01.eml', [])])
    case('f-cc-tr-as-described',
         'Turkish application (A.Ş.), windows-1254 QP (Outlook plain text) that never names a category: it describes '
         'an e-mail client app for Android/iOS that processes and validates S/MIME certificates and says it issues '
         'none - matches only Certificate Consumer; representatives as Name <address> lines, voting marked in '
         'Turkish; hyphenated emergency address; complete.',
         ['category:certificate_consumer', 'complete', 'turkish', 'non-english', 'charset-windows-1254',
          'quoted-printable', 'outlook', 'plain-text', 'category-described', 'label-value', 'hyphen-address',
          'ipr-pdf', 'ipr-v1.4', 'legal-form-as'], [m1], exp)


# =============================================================================
# 13. English, ambiguous description (issuer AND consumer) -> category unknown
# =============================================================================
def c13():
    ipr_name = 'Kestrel - CABF IPR Agreement v1.4 - executed.pdf'
    ipr = make_ipr_pdf('1.4', '/s/ Fiona Ashworth', 'Fiona Ashworth', 'Chief Executive Officer',
                       'Kestrel Hosted Messaging Ltd', '30 November 2026', 'Adobe Acrobat Sign', 'D:20261130160000Z')
    text = """Hello,

Kestrel Hosted Messaging Ltd would like to apply for membership of the S/MIME Certificate Working Group.

A few words about us: we run a hosted business e-mail platform for around 4,000 UK small businesses. Our webmail verifies and displays S/MIME signatures and decrypts S/MIME mail for our users, and through our subsidiary CA we also issue S/MIME certificates to our customers' mailboxes, so we sit on both sides of the S/MIME ecosystem.

Organisation name: Kestrel Hosted Messaging Ltd
Website: https://www.kestrelmessaging.co.uk
Representatives:
  Graham Lindqvist, graham.lindqvist@kestrelmessaging.co.uk (voting)
  Priya Raman, priya.raman@kestrelmessaging.co.uk
Emergency contact: noc-escalation@kestrelmessaging.co.uk, +44 113 496 0321

The signed IPR Agreement (v1.4) is attached.

Kind regards,
Graham Lindqvist
Head of Messaging Security
Kestrel Hosted Messaging Ltd
Registered in England & Wales No. 08812345 | 2 Wellington Place, Leeds LS1 4AP
"""
    body = mixed([text_part(text, charset='us-ascii', cte='7bit', flowed=False),
                  attachment(ipr, 'application/pdf', ipr_name)], boundary='------------kWq3Zb8Tn1Vd5Xr7Lc2Hm9Pa')
    m1 = finish(body, frm=('Graham Lindqvist', 'graham.lindqvist@kestrelmessaging.co.uk'),
                subject='Application to join the S/MIME working group - Kestrel Hosted Messaging Ltd',
                date='Tue, 01 Dec 2026 08:57:10 +0000', msgid='<b1e0f7a2-3c94-4d85-a6e1-92f0c4d7e3b8@kestrelmessaging.co.uk>',
                relay='smtp-out.kestrelmessaging.co.uk', ip='192.0.2.19', qid='4ZkK1dFr5Pz3Ts',
                extra=[('User-Agent', 'Mozilla Thunderbird 128.5.0esr')])
    reps = [rep('Graham Lindqvist', 'graham.lindqvist@kestrelmessaging.co.uk', True),
            rep('Priya Raman', 'priya.raman@kestrelmessaging.co.uk')]
    exp = expect_app(category=None, org='Kestrel Hosted Messaging Ltd',
                     alts=['Kestrel Hosted Messaging Limited', 'Kestrel Hosted Messaging'],
                     website='https://www.kestrelmessaging.co.uk', applicant='graham.lindqvist@kestrelmessaging.co.uk',
                     reps=reps, emergency={'email': 'noc-escalation@kestrelmessaging.co.uk', 'phone': '+44 113 496 0321'},
                     ipr=(ipr_name, ipr), missing=['category'], replies=[('01.eml', ['category'])])
    case('f-unknown-en-ambiguous-description',
         'English application (Ltd) that describes itself instead of naming a category, and the description fits two '
         'categories (a webmail that processes S/MIME = consumer, and a subsidiary CA issuing S/MIME certificates = '
         'issuer): category unknown; a voting representative is named, so voting_email is checked; only the '
         'items required of every category are assessed; incomplete (category).',
         ['category:unknown', 'category-unknown', 'category-ambiguous', 'category-described', 'missing-items',
          'plain-text', 'thunderbird', 'label-value', 'hyphen-address', 'ipr-pdf', 'ipr-v1.4', 'signature-distractors'],
         [m1], exp)


# =============================================================================
# 14. English Associate Member, long DAC name with "for" and "of", "myself", vCard 2.1
# =============================================================================
def c14():
    org = 'National Consortium for the Security of Electronic Mail of Ireland DAC'
    ipr_name = 'NCSEM IPR Agreement v1.4 (signed).pdf'
    ipr = make_ipr_pdf('1.4', '/s/ Niamh Brennan', 'Niamh Brennan', 'Company Secretary', org, '25 November 2026',
                       'Adobe Acrobat Sign', 'D:20261125113000Z')
    vcf = ('BEGIN:VCARD\r\nVERSION:2.1\r\n'
           'N;LANGUAGE=en-ie;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:=D3 Briain;Se=E1n\r\n'
           'FN;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:Se=E1n =D3 Briain\r\n'
           'ORG:National Consortium for the Security of Electronic Mail of Ireland DAC;Standards\r\n'
           'TITLE:Policy Lead, Secure Messaging\r\n'
           'TEL;WORK;VOICE:+353 1 699 4215\r\n'
           'ADR;WORK;PREF:;;Block B, Grand Canal Quay;Dublin 2;;D02 XY45;Ireland\r\n'
           'EMAIL;PREF;INTERNET:sean.obriain@ncsem.ie\r\n'
           'X-MS-OL-DEFAULT-POSTAL-ADDRESS:2\r\n'
           'REV:20261125T104512Z\r\nEND:VCARD\r\n').encode('ascii')
    text = f"""Dear CA/Browser Forum team,

Following the invitation from the SMCWG Chair on 12 November, please accept this letter of intent and application for Associate Member status in the S/MIME Certificate Working Group on behalf of the {org}.

Category: Associate Member
Organisation: {org}
Website: https://www.ncsem.ie
IPR Agreement: signed v1.4 agreement attached

Representatives: I will represent the Consortium myself, together with my colleague Seán Ó Briain, whose contact card is attached.

Security emergency contact:
csirt-oncall@ncsem.ie
+353 1 699 4210

Warm regards,

Aoife Gallagher
Head of Standards Engagement
{org}
Block B, Grand Canal Quay, Dublin 2, D02 XY45
T: +353 1 699 4200 | www.ncsem.ie
"""
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>'
            '<div class="WordSection1">' + ''.join('<p class="MsoNormal">%s</p>' % (l.replace('&', '&amp;') or '&nbsp;')
                                                    for l in text.split('\n')[:-1]) + '</div></body></html>')
    html = html.replace('https://www.ncsem.ie</p>', '<a href="https://www.ncsem.ie">https://www.ncsem.ie</a></p>')
    vc = attachment(vcf, 'text/x-vcard', 'Seán Ó Briain.vcf')
    body = mixed([alternative(text_part(text, charset='utf-8', cte='quoted-printable'),
                              text_part(html, 'html', charset='utf-8', cte='quoted-printable'),
                              boundary='_000_DU2PR10MB5488E1A2B3C4D5E6F7A8DU2PR10MB5488EURP_'),
                  vc, attachment(ipr, 'application/pdf', ipr_name)],
                 boundary='_005_DU2PR10MB5488E1A2B3C4D5E6F7A8DU2PR10MB5488EURP_')
    m1 = finish(body, frm=('Aoife Gallagher', 'aoife.gallagher@ncsem.ie'),
                subject=f'Membership Application of {org}',
                date='Wed, 25 Nov 2026 11:02:37 +0000',
                msgid='<DU2PR10MB5488E1A2B3C4D5E6F7A8@DU2PR10MB5488.EURPRD10.PROD.OUTLOOK.COM>',
                relay='mail-dub1eur02on2119.outbound.protection.outlook.com', ip='40.107.13.119', qid='4ZjA8mDc4Hz6Wv',
                extra=[('Thread-Topic', f'Membership Application of {org}'), ('Content-Language', 'en-IE'),
                       ('X-MS-Has-Attach', 'yes')])
    reps = [rep('Aoife Gallagher', 'aoife.gallagher@ncsem.ie'), rep('Seán Ó Briain', 'sean.obriain@ncsem.ie')]
    exp = expect_app(category='associate_member', org=org,
                     alts=['National Consortium for the Security of Electronic Mail of Ireland Designated Activity Company',
                           'National Consortium for the Security of Electronic Mail of Ireland'],
                     website='https://www.ncsem.ie', applicant='aoife.gallagher@ncsem.ie', reps=reps,
                     emergency={'email': 'csirt-oncall@ncsem.ie', 'phone': '+353 1 699 4210'},
                     ipr=(ipr_name, ipr), missing=[], replies=[('01.eml', [])])
    case('f-am-en-long-name-dac-vcard21',
         'English Associate Member (by invitation) with a long name containing "for", "the" and "of" and the Irish '
         'legal form DAC; Outlook multipart/alternative; "I will represent the Consortium myself" = the sender, the '
         'second representative only in an Outlook vCard 2.1 (Windows-1252 quoted-printable name "Seán Ó Briain"); '
         'hyphenated emergency address on its own line; signature with job title and address; complete.',
         ['category:associate_member', 'complete', 'outlook', 'multipart-alternative', 'long-org-name', 'legal-form-dac',
          'myself', 'vcard', 'vcard-2.1', 'hyphen-address', 'emergency-own-line', 'ipr-pdf', 'ipr-v1.4',
          'signature-distractors', 'utf-8', 'quoted-printable'], [m1], exp)


# =============================================================================
# 15. Thread: English CI application, then a French reply switching to Interested Party
# =============================================================================
def c15():
    org = 'Sceau Numérique SRL'
    ipr_name = 'Sceau_Numerique_IPR_Agreement_v1.4_signed.pdf'
    ipr = make_ipr_pdf('1.4', '/s/ Laurent Dubois', 'Laurent Dubois', 'CTO / Administrateur', org, '01/12/2026',
                       'Microsoft Word', 'D:20261201090000Z')
    mid1 = '<0f8e2a61-5d3b-4c7e-b1a9-4e6f2d8c0b17@sceaunumerique.be>'
    t1 = """Hello,

We would like to apply for membership of the S/MIME Certificate Working Group as a Certificate Issuer.

Organisation: Sceau Numérique SRL
Website: https://www.sceaunumerique.be
Representatives: Laurent Dubois (l.dubois@sceaunumerique.be) - voting representative; Marie Peeters (m.peeters@sceaunumerique.be)
Emergency contact: incident@sceaunumerique.be / +32 2 588 31 70
IPR Agreement: signed, attached

Our audit report and sample certificates will follow once our first WebTrust for S/MIME audit is finalised.

Best regards,
Laurent Dubois
CTO, Sceau Numérique SRL
Avenue Louise 231, 1050 Bruxelles
"""
    b1 = mixed([text_part(t1, charset='utf-8', cte='quoted-printable', flowed=True),
                attachment(ipr, 'application/pdf', ipr_name)], boundary='------------A7c2Lq9Vx4Tb1Nm6Zr3Kd8Wf')
    m1 = finish(b1, frm=('Laurent Dubois', 'l.dubois@sceaunumerique.be'),
                subject='SMCWG membership application - Sceau Numérique SRL',
                date='Wed, 02 Dec 2026 10:11:48 +0100', msgid=mid1, relay='smtp.sceaunumerique.be', ip='198.51.100.61',
                qid='4ZkP2sJx7Bz4Dn', extra=[('User-Agent', 'Mozilla Thunderbird 128.5.1esr')])
    t2 = """Bonjour,

Après discussion en interne, notre audit WebTrust for S/MIME ne sera pas terminé avant l'été prochain. Nous préférons donc rejoindre le groupe de travail dès maintenant en tant que partie intéressée (Interested Party) plutôt que comme émetteur de certificats. Nous referons une demande le moment venu.

Toutes les autres informations de notre demande restent inchangées.

Cordialement,
Laurent Dubois

Le 02/12/2026 à 10:14, CA/Browser Forum a écrit :
""" + bot_quote('Laurent Dubois', ['audit_report_url', 'certificate_evidence']) + '\n'
    b2 = text_part(t2, charset='utf-8', cte='8bit', flowed=True)
    m2 = finish(b2, frm=('Laurent Dubois', 'l.dubois@sceaunumerique.be'),
                subject='SMCWG membership application - Sceau Numérique SRL', subject_prefix='Re: [{{reference}}] ',
                date='Thu, 03 Dec 2026 08:40:02 +0100', msgid='<7a1c3e95-0b2d-4f68-8e4a-c3d5b7f9e1a2@sceaunumerique.be>',
                in_reply_to='{{last_reply_message_id}}', references=mid1 + ' {{last_reply_message_id}}',
                relay='smtp.sceaunumerique.be', ip='198.51.100.61', qid='4ZkZ9hCv1Mz8Lq',
                extra=[('User-Agent', 'Mozilla Thunderbird 128.5.1esr'), ('Content-Language', 'fr-BE')])
    reps = [rep('Laurent Dubois', 'l.dubois@sceaunumerique.be'), rep('Marie Peeters', 'm.peeters@sceaunumerique.be')]
    exp = expect_app(category='interested_party', org=org, alts=['Sceau Numerique SRL', 'Sceau Numérique'],
                     website='https://www.sceaunumerique.be', applicant='l.dubois@sceaunumerique.be', reps=reps,
                     voting_email=None, emergency={'email': 'incident@sceaunumerique.be', 'phone': '+32 2 588 31 70'},
                     ipr=(ipr_name, ipr), missing=[],
                     replies=[('01.eml', ['audit_report_url', 'certificate_evidence']), ('02.eml', [])])
    case('f-t-en-fr-ci-to-ip',
         'Thread: English Certificate Issuer application from a Belgian SRL without audit report and certificates '
         '(missing_items audit_report_url, certificate_evidence); the reply, written in French (8bit, format=flowed) '
         'and quoting the program\'s English text, switches to "partie intéressée (Interested Party) plutôt que '
         'comme émetteur de certificats" - the later statement wins and the application is complete.',
         ['category:interested_party', 'complete', 'thread', 'followup-reply', 'category-change', 'french',
          'non-english', 'utf-8', '8bit', 'format-flowed', 'thunderbird', 'quoted-bot-text', 'ipr-pdf', 'ipr-v1.4',
          'label-value'], [m1, m2], exp)


# =============================================================================
# 16. Thread: German e.V. IP, blank template + reps later; reply with signed PDF and vCard 4.0; bare Message-Id
# =============================================================================
def vcard40(fn, n, org, role, email_, tel):
    return ('\r\n'.join(['BEGIN:VCARD', 'VERSION:4.0', 'FN:%s' % fn, 'N:%s' % n, 'ORG:%s' % org.replace(',', '\\,'),
                         'ROLE:%s' % role, 'EMAIL;TYPE=work;PREF=1:%s' % email_,
                         'TEL;VALUE=uri;TYPE="work,voice":tel:%s' % tel, 'LANG:de',
                         'REV:20261203T081500Z', 'END:VCARD']) + '\r\n').encode('utf-8')


def c16():
    org = 'Verein für sichere elektronische Post in Schleswig-Holstein e.V.'
    blank_name = 'CABF_IPR_Agreement_v1.4.pdf'
    ipr_name = 'IPR-Vereinbarung_v1.4_VSEP-SH_unterschrieben.pdf'
    ipr = make_ipr_pdf('1.4', '/s/ Henning Thomsen', 'Henning Thomsen', '1. Vorsitzender', org, '02.12.2026',
                       'Microsoft Word', 'D:20261202180000Z')
    mid1 = '<d6b0a1c2e3f4a5b6c7d8e9f0@webmail.sichere-post-verein.de>'
    t1 = f"""Guten Tag,

der {org} möchte als Interested Party an der S/MIME Certificate Working Group teilnehmen. Wir sind ein gemeinnütziger Verein, der kleine Kommunen und Arztpraxen bei der Einführung verschlüsselter E-Mail unterstützt.

Organisation: {org}
Webseite: https://www.sichere-post-verein.de
Notfallkontakt: vorstand-notfall@sichere-post-verein.de, Tel. +49 431 998 207 11
Die unterschriebene IPR-Vereinbarung liegt bei.

Unsere Vertreter benennen wir in den nächsten Tagen, sobald der Vorstand getagt hat.

Viele Grüße
Friederike Lange
Schriftführerin
{org}
Holstenstraße 88, 24103 Kiel
"""
    b1 = mixed([text_part(t1, charset='utf-8', cte='quoted-printable'),
                attachment(BLANK_V14, 'application/pdf', blank_name)], boundary='=_9c2f1e7a4b3d08c6e5f2a1b0')
    m1 = finish(b1, frm=('Friederike Lange', 'f.lange@sichere-post-verein.de'),
                subject='Teilnahme als Interested Party in der S/MIME Certificate Working Group',
                date='Wed, 02 Dec 2026 09:38:21 +0100', msgid=mid1, relay='webmail.sichere-post-verein.de',
                ip='192.0.2.133', qid='4ZkN5qVt2Gz9Xc', extra=[('User-Agent', 'Roundcube Webmail/1.6.9')])
    t2 = """Hallo,

entschuldigen Sie bitte - im Anhang der ersten Mail war versehentlich das leere Formular. Anbei nun die vom Vorstand unterschriebene IPR-Vereinbarung (v1.4) sowie die Kontaktkarten unserer beiden Vertreter, Friederike Lange und Jonas Petersen.

Viele Grüße
Friederike Lange

Am 02.12.2026 09:41, schrieb CA/Browser Forum:
""" + bot_quote('Friederike Lange', ['ipr_agreement', 'representatives']) + '\n'
    v1 = vcard40('Friederike Lange', 'Lange;Friederike;;;', org, 'Vertreterin SMCWG', 'f.lange@sichere-post-verein.de', '+49-431-99820712')
    v2 = vcard40('Jonas Petersen', 'Petersen;Jonas;;;', org, 'Vertreter SMCWG', 'j.petersen@sichere-post-verein.de', '+49-431-99820714')
    a1 = attachment(v1, 'text/vcard', 'Friederike_Lange.vcf')
    a1.set_param('charset', 'utf-8')
    a2 = attachment(v2, 'text/vcard', 'Jonas_Petersen.vcf')
    a2.set_param('charset', 'utf-8')
    b2 = mixed([text_part(t2, charset='utf-8', cte='8bit'), attachment(ipr, 'application/pdf', ipr_name), a1, a2],
               boundary='=_3e8a7f6d5c4b3a2918070615')
    m2 = finish(b2, frm=('Friederike Lange', 'f.lange@sichere-post-verein.de'),
                subject='Teilnahme als Interested Party in der S/MIME Certificate Working Group',
                subject_prefix='Re: [{{reference}}] ', date='Thu, 03 Dec 2026 08:19:55 +0100',
                msgid='1764746395.61723.roundcube@webmail.sichere-post-verein.de',
                in_reply_to='{{last_reply_message_id}}', references=mid1 + ' {{last_reply_message_id}}',
                relay='webmail.sichere-post-verein.de', ip='192.0.2.133', qid='4ZkY3nBw6Fz2Mv',
                extra=[('User-Agent', 'Roundcube Webmail/1.6.9')])
    reps = [rep('Friederike Lange', 'f.lange@sichere-post-verein.de'), rep('Jonas Petersen', 'j.petersen@sichere-post-verein.de')]
    exp = expect_app(category='interested_party', org=org,
                     alts=['Verein fuer sichere elektronische Post in Schleswig-Holstein e.V.',
                           'Verein für sichere elektronische Post in Schleswig-Holstein eV',
                           'Verein für sichere elektronische Post in Schleswig-Holstein'],
                     website='https://www.sichere-post-verein.de', applicant='f.lange@sichere-post-verein.de', reps=reps,
                     emergency={'email': 'vorstand-notfall@sichere-post-verein.de', 'phone': '+49 431 998 207 11'},
                     ipr=(ipr_name, ipr), missing=[],
                     replies=[('01.eml', ['ipr_agreement', 'representatives']), ('02.eml', [])])
    case('f-t-de-ev-blank-then-vcard40',
         'Thread: German Interested Party, a registered association (e.V.) with a long name containing "für" and '
         '"in"; the first mail claims a signed IPR agreement but attaches the blank v1.4 template (reused from the '
         'corpus) and says representatives will follow (missing ipr_agreement, representatives); the reply '
         '(Roundcube, 8bit, Message-Id without angle brackets) attaches the signed v1.4 PDF and two vCard 4.0 files; '
         'complete.',
         ['category:interested_party', 'complete', 'thread', 'followup-reply', 'german', 'non-english', 'utf-8',
          'quoted-printable', '8bit', 'blank-ipr', 'unsigned-ipr', 'ipr-pdf', 'ipr-v1.4', 'two-ipr-pdfs', 'vcard',
          'vcard-4.0', 'reps-later', 'long-org-name', 'legal-form-ev', 'hyphen-address', 'quoted-bot-text',
          'message-id-no-brackets'], [m1, m2], exp)


# =============================================================================
# 17. Thread: English CC via Mimecast-rewritten HTML, complete; then the voting representative changes
# =============================================================================
def c17():
    org = 'Lantern Mail Inc.'
    ipr_name = 'Lantern Mail - IPR Agreement v1.4 - countersigned.pdf'
    ipr = make_ipr_pdf('1.4', 'Digitally signed by Thomas Reyes', 'Thomas Reyes', 'General Counsel', org,
                       'November 30, 2026', 'Adobe Acrobat Sign', 'D:20261130200000Z')
    site = 'https://www.lanternmail.com'
    mc = mimecast(site)
    mid1 = '<SA1PR11MB6734F0E1D2C3B4A59687@SA1PR11MB6734.namprd11.prod.outlook.com>'
    plain1 = f"""Hello CA/B Forum team,

Lantern Mail Inc. develops the Lantern desktop and mobile e-mail client, which validates and uses S/MIME certificates for signing and encryption. We are applying to join the S/MIME Certificate Working Group as a Certificate Consumer.

Organization: Lantern Mail Inc.
Website: {site} <{mc}>
Representatives:
- Rebecca Osei, Director of Security Engineering, rebecca.osei@lanternmail.com - voting representative
- Daniel Kim, Staff Engineer (Crypto), daniel.kim@lanternmail.com
Emergency contact (24x7 security desk): security-desk@lanternmail.com, +1 (503) 555-0148
The signed IPR Agreement (v1.4) is attached.

Thanks,
Rebecca

Rebecca Osei | Director of Security Engineering | Lantern Mail Inc.
1120 NW Couch St, Portland, OR 97209
"""
    html1 = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>
<div style="font-family:Aptos,Calibri,sans-serif;font-size:12pt">
<p>Hello CA/B Forum team,</p>
<p>Lantern Mail Inc. develops the Lantern desktop and mobile e-mail client, which validates and uses S/MIME certificates for signing and encryption. We are applying to join the S/MIME Certificate Working Group as a <b>Certificate Consumer</b>.</p>
<p>Organization: Lantern Mail Inc.<br>
Website: <a href="{mc}">{site}</a><br>
Representatives:</p>
<ul><li>Rebecca Osei, Director of Security Engineering, <a href="mailto:rebecca.osei@lanternmail.com">rebecca.osei@lanternmail.com</a> - voting representative</li>
<li>Daniel Kim, Staff Engineer (Crypto), <a href="mailto:daniel.kim@lanternmail.com">daniel.kim@lanternmail.com</a></li></ul>
<p>Emergency contact (24x7 security desk): <a href="mailto:security-desk@lanternmail.com">security-desk@lanternmail.com</a>, +1 (503) 555-0148<br>
The signed IPR Agreement (v1.4) is attached.</p>
<p>Thanks,<br>Rebecca</p>
<p style="color:#595959;font-size:9pt">Rebecca Osei | Director of Security Engineering | Lantern Mail Inc.<br>1120 NW Couch St, Portland, OR 97209</p>
</div></body></html>
"""
    b1 = mixed([alternative(text_part(plain1, charset='utf-8', cte='quoted-printable'),
                            text_part(html1, 'html', charset='utf-8', cte='quoted-printable'),
                            boundary='_000_SA1PR11MB6734F0E1D2C3B4A59687SA1PR11MB6734namp_'),
                attachment(ipr, 'application/pdf', ipr_name)],
               boundary='_004_SA1PR11MB6734F0E1D2C3B4A59687SA1PR11MB6734namp_')
    m1 = finish(b1, frm=('Rebecca Osei', 'rebecca.osei@lanternmail.com'),
                subject='SMCWG application - Lantern Mail Inc. (Certificate Consumer)',
                date='Mon, 30 Nov 2026 12:15:09 -0800', msgid=mid1, relay='us-smtp-delivery-114.mimecast.com',
                ip='170.10.133.114', qid='4ZkF7pXn0Jz5Bd',
                extra=[('X-Mimecast-Spam-Score', '0'), ('X-Mimecast-MFC-AGG-ID', 'wGx8b2Q1Mn6aK3rT7cLp4A_1764533709'),
                       ('Content-Language', 'en-US')])
    plain2 = f"""Hi again,

One change to our application: Daniel Kim (daniel.kim@lanternmail.com) will be our voting representative instead of me. I remain on the working group as a non-voting representative. Nothing else changes.

Best,
Rebecca

________________________________
From: CA/Browser Forum <questions@cabforum.org>
Sent: Monday, November 30, 2026 12:17 PM
To: Rebecca Osei <rebecca.osei@lanternmail.com>
Subject: [{{{{reference}}}}] SMCWG application - Lantern Mail Inc. (Certificate Consumer)

Dear Rebecca Osei,

Thank you for your application to join the S/MIME Certificate Working Group
of the CA/Browser Forum. It has been registered under reference
{{{{reference}}}}. Nothing is missing; staff will review it.

Kind regards,
CA/Browser Forum
"""
    b2 = text_part(plain2, charset='utf-8', cte='quoted-printable')
    m2 = finish(b2, frm=('Rebecca Osei', 'rebecca.osei@lanternmail.com'),
                subject='SMCWG application - Lantern Mail Inc. (Certificate Consumer)',
                subject_prefix='RE: [{{reference}}] ', date='Wed, 02 Dec 2026 09:03:44 -0800',
                msgid='<SA1PR11MB67349A8B7C6D5E4F3021@SA1PR11MB6734.namprd11.prod.outlook.com>',
                in_reply_to='{{last_reply_message_id}}', references=mid1 + ' {{last_reply_message_id}}',
                relay='us-smtp-delivery-114.mimecast.com', ip='170.10.133.114', qid='4ZkR6wTm3Cz1Hy',
                extra=[('X-Mimecast-Spam-Score', '0'), ('Content-Language', 'en-US')])
    reps = [rep('Rebecca Osei', 'rebecca.osei@lanternmail.com'), rep('Daniel Kim', 'daniel.kim@lanternmail.com', True)]
    exp = expect_app(category='certificate_consumer', org=org, alts=['Lantern Mail Inc', 'Lantern Mail'],
                     website=site, applicant='rebecca.osei@lanternmail.com', reps=reps,
                     emergency={'email': 'security-desk@lanternmail.com', 'phone': '+1 (503) 555-0148'},
                     ipr=(ipr_name, ipr), missing=[], replies=[('01.eml', []), ('02.eml', [])])
    case('f-t-en-mimecast-voting-change',
         'Thread: complete US Certificate Consumer application (Inc.) relayed through Mimecast: the web-site link '
         'target is a Mimecast protect URL that does not carry the original (the link text shows it; the plain part '
         'has "URL <mimecast>"); the follow-up (Outlook "RE:", quoted header block) moves the vote from the sender '
         'to Daniel Kim - acknowledged again as complete, voting_email changes.',
         ['category:certificate_consumer', 'complete', 'thread', 'followup-reply', 'outlook', 'outlook-quote',
          'mimecast', 'multipart-alternative', 'html', 'voting-later', 'ipr-pdf', 'ipr-v1.4', 'quoted-bot-text',
          'signature-distractors'], [m1, m2], exp)


# =============================================================================
# 18. Thread: Japanese CC Shift_JIS base64, emergency later in an ISO-2022-JP reply
# =============================================================================
def c18():
    ipr_name = 'HikariMail_IPR_Agreement_v1.4_signed.pdf'
    ipr = make_ipr_pdf('1.4', '/s/ Kenji Mori', 'Kenji Mori', 'President and CEO', 'Hikari Mail Co., Ltd.',
                       '2026-11-27', 'Microsoft Word', 'D:20261127010000Z')
    mid1 = '<20261127103344.9D1B.N.YAMAMOTO@hikari-mail.jp>'
    t1 = """CA/Browser Forum 事務局 ご担当者様

はじめてご連絡いたします。ひかりメール株式会社の山本と申します。
弊社はメールクライアント「ひかりメール」（Windows／macOS）を開発・提供しており、S/MIME 署名・暗号化メールの検証に対応しております。
このたび、Certificate Consumer（証明書利用者）として SMCWG への入会を申請いたします。

【組織名】ひかりメール株式会社（Hikari Mail Co., Ltd.）
【ウェブサイト】https://www.hikari-mail.jp
【IPR 契約書】代表取締役が署名した v1.4 を添付いたします
【代表者】
　山本 直樹　n.yamamoto@hikari-mail.jp　（議決権を持つ代表者）
　中村 彩　　a.nakamura@hikari-mail.jp
【緊急連絡先】社内で体制を調整中のため、追ってご連絡いたします。

以上、よろしくお願いいたします。

--
ひかりメール株式会社
開発本部 セキュリティ担当部長
山本 直樹
TEL 06-6345-1200
"""
    b1 = mixed([text_part(t1, charset='shift_jis', cte='base64'),
                attachment(ipr, 'application/pdf', ipr_name)], boundary='------_5F41C0E2A3B4_MULTIPART_MIXED_')
    m1 = finish(b1, frm=('山本 直樹', 'n.yamamoto@hikari-mail.jp'),
                subject='S/MIME 証明書ワーキンググループ 入会申請（ひかりメール株式会社）',
                date='Fri, 27 Nov 2026 10:33:44 +0900', msgid=mid1, relay='smtp.hikari-mail.jp', ip='203.0.113.177',
                qid='4ZjP0rKz8Dz3Nw', charset='shift_jis', extra=[('X-Mailer', 'Becky! ver. 2.81.07 [ja]')])
    t2 = """ご担当者様

お世話になっております。ひかりメールの山本です。
緊急連絡先の体制が決まりましたので、お知らせいたします。

緊急連絡先（24時間対応）：
psirt-hotline@hikari-mail.jp
+81 6 6345 1299

引き続きよろしくお願いいたします。
山本

On Fri, 27 Nov 2026 10:35:02 +0900
CA/Browser Forum <questions@cabforum.org> wrote:
""" + bot_quote('山本 直樹', ['emergency_contact']) + '\n'
    b2 = text_part(t2, charset='iso-2022-jp', cte='7bit')
    m2 = finish(b2, frm=('山本 直樹', 'n.yamamoto@hikari-mail.jp'),
                subject='S/MIME 証明書ワーキンググループ 入会申請（ひかりメール株式会社）',
                subject_prefix='Re: [{{reference}}] ', date='Tue, 01 Dec 2026 16:02:10 +0900',
                msgid='<20261201160210.A3C7.N.YAMAMOTO@hikari-mail.jp>',
                in_reply_to='{{last_reply_message_id}}', references=mid1 + ' {{last_reply_message_id}}',
                relay='smtp.hikari-mail.jp', ip='203.0.113.177', qid='4ZkJ4vNp5Sz7Gt', charset='iso-2022-jp',
                extra=[('X-Mailer', 'Becky! ver. 2.81.07 [ja]')])
    reps = [rep('山本 直樹', 'n.yamamoto@hikari-mail.jp', True), rep('中村 彩', 'a.nakamura@hikari-mail.jp')]
    exp = expect_app(category='certificate_consumer', org='ひかりメール株式会社',
                     alts=['Hikari Mail Co., Ltd.', 'ひかりメール株式会社（Hikari Mail Co., Ltd.）'],
                     website='https://www.hikari-mail.jp', applicant='n.yamamoto@hikari-mail.jp', reps=reps,
                     emergency={'email': 'psirt-hotline@hikari-mail.jp', 'phone': '+81 6 6345 1299'},
                     ipr=(ipr_name, ipr), missing=[], replies=[('01.eml', ['emergency_contact']), ('02.eml', [])])
    case('f-t-ja-sjis-emergency-later',
         'Thread: Japanese Certificate Consumer (株式会社 / Co., Ltd.); first mail Shift_JIS base64 with 【label】 '
         'lines and representatives separated by full-width spaces, emergency contact "to follow" while the '
         'signature has a phone (missing emergency_contact); the reply in ISO-2022-JP 7bit gives a hyphenated '
         'address and a phone on their own lines; complete.',
         ['category:certificate_consumer', 'complete', 'thread', 'followup-reply', 'japanese', 'non-english',
          'charset-shift_jis', 'charset-iso-2022-jp', 'base64', '7bit', 'plain-text', 'label-value', 'hyphen-address',
          'emergency-own-line', 'ipr-pdf', 'ipr-v1.4', 'legal-form-co-ltd', 'quoted-bot-text'], [m1, m2], exp)


# =============================================================================
# 19. English CI Co., Ltd. with Proofpoint v2 wrappers, 5-column markdown table, "I will be the voting representative"
# =============================================================================
def c19():
    org = 'Formosa Trust Services Co., Ltd.'
    ipr_name = 'FTS_CABF_IPR_Agreement_v1.4_signed.pdf'
    ipr = make_ipr_pdf('1.4', '/s/ Chang Ming-Hsien', 'Chang Ming-Hsien', 'President', org, '2026-11-18',
                       'Adobe Acrobat Sign', 'D:20261118060000Z')
    site = 'https://www.formosatrust.com.tw/'
    audit = 'https://www.formosatrust.com.tw/repository/WebTrust-SMIME-BR-2026.pdf'
    crts = ['https://crt.sh/?id=15935507712', 'https://crt.sh/?id=15935520044', 'https://crt.sh/?id=15935531876']
    text = f"""Dear Sir or Madam,

Formosa Trust Services Co., Ltd. is a publicly trusted certification authority in Taipei. We hereby apply to join the S/MIME Certificate Working Group as a Certificate Issuer.

Organization: {org}
Website: {pp_v2(site)}
Audit report (WebTrust for CAs and WebTrust for S/MIME Baseline Requirements, period ending 30 June 2026):
{pp_v2(audit)}
Issued end-entity certificates (accepted by Apple Mail and Microsoft Outlook):
{pp_v2(crts[0])}
{pp_v2(crts[1])}
{pp_v2(crts[2])}

Representatives:

| Name | Title | E-mail | Phone | Role |
|---|---|---|---|---|
| Wei-Ting Huang | Director, PKI Policy | wt.huang@formosatrust.com.tw | +886 2 2718 6601 | Representative |
| Chia-Hao Lin | Senior PKI Engineer | ch.lin@formosatrust.com.tw | +886 2 2718 6617 | Representative |

I will be the voting representative.

Emergency contact (certificate problem reports, 24x7):
ca-incident@formosatrust.com.tw
+886 2 2718 6699

The signed IPR Agreement v1.4 is attached.

Sincerely,

Wei-Ting Huang
Director, PKI Policy
Formosa Trust Services Co., Ltd.
12F, No. 100, Sec. 4, Zhongxiao E. Rd., Taipei 106
"""
    body = mixed([text_part(text, charset='utf-8', cte='quoted-printable'),
                  attachment(ipr, 'application/pdf', ipr_name)], boundary='----=_Part_55120_1146829933.1764318212004')
    m1 = finish(body, frm=('Wei-Ting Huang', 'wt.huang@formosatrust.com.tw'),
                subject=f'Membership Application of {org}', date='Sat, 28 Nov 2026 16:23:32 +0800',
                msgid='<1927364510.55121.1764318212004@mail.formosatrust.com.tw>', relay='mx0b-00163701.pphosted.com',
                ip='148.163.139.77', qid='4ZjT2mHc9Qz6Rk',
                extra=[('X-Proofpoint-Virus-Version', 'vendor=baseguard engine=ICAP:2.0.293,Aquarius:18.0.1057,Hydra:6.0.680,FMLib:17.12.62.30 definitions=2026-11-28_07,2026-11-28_01,2026-11-28_01'),
                       ('X-Proofpoint-Spam-Details', 'rule=outbound_notspam policy=outbound score=0')])
    reps = [rep('Wei-Ting Huang', 'wt.huang@formosatrust.com.tw', True), rep('Chia-Hao Lin', 'ch.lin@formosatrust.com.tw')]
    exp = expect_app(category='certificate_issuer', org=org, alts=['Formosa Trust Services Co., Ltd', 'Formosa Trust Services'],
                     website='https://www.formosatrust.com.tw', applicant='wt.huang@formosatrust.com.tw', reps=reps,
                     emergency={'email': 'ca-incident@formosatrust.com.tw', 'phone': '+886 2 2718 6699'},
                     audit=audit, ev_min=3, ipr=(ipr_name, ipr), missing=[], replies=[('01.eml', [])])
    case('f-ci-en-urldefense-v2-markdown-myself',
         'English Certificate Issuer "Co., Ltd." (legal form contains a comma) whose web site, audit report and three '
         'crt.sh links are all Proofpoint urldefense v2 wrappers (-3A/-3F/-3D/-2D escapes, "_" for "/"); '
         'representatives in a 5-column markdown table whose Role column does not mark the vote; "I will be the '
         'voting representative" = the sender; hyphenated emergency address on its own line; complete.',
         ['category:certificate_issuer', 'complete', 'plain-text', 'utf-8', 'quoted-printable', 'urldefense-v2',
          'markdown-table', 'reps-table', 'myself', 'webtrust', 'crtsh', 'hyphen-address', 'emergency-own-line',
          'ipr-pdf', 'ipr-v1.4', 'legal-form-co-ltd'], [m1], exp)


# =============================================================================
# Negatives
# =============================================================================
def neg(cid, description, tags, messages):
    case(cid, description, tags + ['negative'], messages, {'application': False})


def c20():
    plain = """Hi there,

Are you a Certificate Issuer or a Certificate Consumer planning to join the S/MIME Certificate Working Group of the CA/Browser Forum? TrustBridge Advisory helps CAs and mail-software vendors through the whole membership process:

* choosing the right membership category (Certificate Issuer, Certificate Consumer, Interested Party or Associate Member)
* preparing and signing the IPR Agreement v1.4 - we have helped 40+ organisations
* WebTrust for S/MIME and ETSI EN 319 411-1 audit readiness: we get your audit report published
* collecting end-entity certificate evidence (crt.sh links, PEM files)
* designating your voting representative and setting up a 24/7 emergency contact

Our 24/7 PKI hotline: +49 30 5683 9900 - hotline@trustbridge-advisory.com
Website: https://www.trustbridge-advisory.com

Book a free 30-minute call this month and get 15% off our "SMCWG Ready" package.

Best,
Marcus Feld
Senior Partner
TrustBridge Advisory GmbH | Friedrichstraße 68, 10117 Berlin

You receive this e-mail because your address is listed publicly. Reply STOP to opt out.
"""
    html = '<html><body>' + ''.join('<p>%s</p>' % p.replace('\n', '<br>') for p in plain.split('\n\n')) + '</body></html>'
    html = html.replace('https://www.trustbridge-advisory.com',
                        '<a href="https://www.trustbridge-advisory.com/smcwg-ready?utm_source=outreach&amp;utm_campaign=cabf">https://www.trustbridge-advisory.com</a>')
    body = alternative(text_part(plain, charset='utf-8', cte='quoted-printable'),
                       text_part(html, 'html', charset='utf-8', cte='quoted-printable'), boundary='b1_7Hq2LcV9xT4mWn8Rz')
    m1 = finish(body, frm=('Marcus Feld', 'marcus.feld@trustbridge-advisory.com'),
                subject='Joining the CA/B Forum S/MIME Working Group? We make it painless',
                date='Mon, 30 Nov 2026 07:45:00 +0000', msgid='<20261130074500.1.a9f2c7e1b3@mail.trustbridge-advisory.com>',
                relay='o12.email.trustbridge-advisory.com', ip='167.89.12.34', qid='4ZkD1gQv5Lz8Sn',
                extra=[('List-Unsubscribe', '<mailto:unsubscribe@trustbridge-advisory.com?subject=STOP>'),
                       ('X-Mailer', 'HubSpot')])
    neg('f-neg-vendor-pitch-hotline',
        'Consultancy sales pitch (GmbH) to questions@ naming every category, the IPR Agreement v1.4, audit report, '
        'crt.sh evidence, voting representative and a 24/7 hotline phone with an e-mail address and web site - it '
        'is not an application: no application, no reply.',
        ['vendor-pitch', 'consultancy', 'multipart-alternative', 'utf-8', 'category-distractor'], [m1])


def c21():
    text = """Sehr geehrte Damen und Herren,

für einen unserer Mandanten, einen etablierten Certificate Issuer und qualifizierten Vertrauensdiensteanbieter mit Sitz in Frankfurt am Main, suche ich ab sofort eine/n

   Senior PKI Engineer S/MIME (m/w/d) – 100 % remote möglich

Ihre Aufgaben:
- Betrieb und Weiterentwicklung der S/MIME-Issuing-CAs
- Vorbereitung der jährlichen WebTrust- und ETSI-Audits (Auditbericht, Nachweise)
- Mitarbeit in der S/MIME Certificate Working Group des CA/Browser Forums als Vertreter/in des Unternehmens

Ihr Profil: mehrjährige PKI-Erfahrung, sehr gute Kenntnisse der S/MIME Baseline Requirements, Englisch verhandlungssicher.
Gehalt: bis 95.000 EUR p.a. zzgl. Bonus.

Vielleicht kennen Sie in Ihrem Netzwerk passende Kandidatinnen oder Kandidaten? Gerne können Sie diese Nachricht auch an Ihre Mitglieder weiterleiten. Ich freue mich über einen kurzen Rückruf unter +49 69 2713 5540.

Mit freundlichen Grüßen

Laura Steinmetz
Senior Consultant IT-Security
Talentkurs Personalberatung GmbH
www.talentkurs-personal.de
"""
    body = text_part(text, charset='windows-1252', cte='quoted-printable')
    m1 = finish(body, frm=('Laura Steinmetz', 'l.steinmetz@talentkurs-personal.de'),
                subject='Exklusive Position: Senior PKI Engineer S/MIME (m/w/d) – Remote',
                date='Tue, 01 Dec 2026 14:12:07 +0100', msgid='<3c7e1b90-a2f4-4d6e-8b05-f1c9a7d3e2b4@talentkurs-personal.de>',
                relay='mail.talentkurs-personal.de', ip='198.51.100.199', qid='4ZkM0tWh2Yz4Bp', charset='windows-1252',
                extra=[('X-Mailer', 'Microsoft Outlook 16.0')])
    neg('f-neg-recruiter-de',
        'German recruiter (windows-1252 QP) advertising a PKI job at a "Certificate Issuer", mentioning WebTrust/ETSI '
        'audits, the S/MIME working group, representatives and a phone number, asking the Forum to forward it - '
        'not an application.', ['recruiter', 'german', 'non-english', 'charset-windows-1252', 'quoted-printable',
                                'plain-text', 'category-distractor'], [m1])


def c22():
    ics = """BEGIN:VCALENDAR
PRODID:-//PKI Days Italia//Inviti//IT
VERSION:2.0
METHOD:REQUEST
BEGIN:VEVENT
UID:pkidays2027-plenaria@pkidays.it
DTSTAMP:20261130T090000Z
DTSTART:20270316T080000Z
DTEND:20270316T160000Z
SUMMARY:PKI Days Italia 2027 - Certificate Issuer e Certificate Consumer a confronto
LOCATION:Palazzo delle Stelline\\, Corso Magenta 61\\, Milano
ORGANIZER;CN=Segreteria PKI Days Italia:mailto:segreteria@pkidays.it
ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:questions@cabforum.org
DESCRIPTION:Registrazione: https://www.pkidays.it/2027/registrazione
END:VEVENT
END:VCALENDAR
""".replace('\n', '\r\n')
    html = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head><body>
<p>Gentili membri del CA/Browser Forum,</p>
<p>siamo lieti di invitarvi alla <b>PKI Days Italia 2027</b>, che si terrà il <b>16 marzo 2027</b> a Milano, Palazzo delle Stelline.</p>
<p>La sessione plenaria &laquo;Certificate Issuer e Certificate Consumer a confronto&raquo; discuterà le novità della S/MIME Certificate Working Group, il passaggio all'accordo IPR v1.4, i rapporti di audit ETSI e WebTrust e la gestione dei contatti di emergenza.</p>
<p>Ci farebbe piacere avere un rappresentante del Forum come relatore. Per partecipare: <a href="https://www.pkidays.it/2027/registrazione">registrazione</a> (entro il 15 febbraio).</p>
<p>In allegato trovate l'invito per il vostro calendario.</p>
<p>Cordiali saluti,<br>Segreteria organizzativa PKI Days Italia<br>Tel. +39 02 4547 1190 &middot; www.pkidays.it</p>
</body></html>
"""
    cal = MIMEBase('text', 'calendar')
    cal.set_param('charset', 'utf-8')
    cal.set_param('method', 'REQUEST')
    cal['Content-Transfer-Encoding'] = 'base64'
    cal.set_payload(base64.encodebytes(ics.encode()).decode())
    inv = attachment(ics.encode(), 'application/ics', 'invito.ics')
    body = mixed([alternative(text_part(html_to_text(html), charset='iso-8859-1', cte='quoted-printable'),
                              text_part(html, 'html', charset='iso-8859-1', cte='quoted-printable'),
                              boundary='=_alt_pkidays_41c9'), cal, inv], boundary='=_mix_pkidays_7e2b')
    m1 = finish(body, frm=('Segreteria PKI Days Italia', 'segreteria@pkidays.it'),
                subject='Invito: PKI Days Italia 2027 – "Certificate Issuer e Certificate Consumer a confronto"',
                date='Mon, 30 Nov 2026 10:00:00 +0100', msgid='<invito-2027-0042@pkidays.it>',
                relay='smtp.pkidays.it', ip='203.0.113.9', qid='4ZkE3yDq7Vz1Jr', charset='iso-8859-1')
    neg('f-neg-event-invitation-it',
        'Italian event invitation (ISO-8859-1 QP, HTML + text) with a text/calendar REQUEST and an .ics attachment; '
        'names Certificate Issuer/Consumer, the IPR v1.4, audits and emergency contacts as conference topics - not '
        'an application.', ['event-invitation', 'calendar', 'ics', 'italian', 'non-english', 'charset-iso-8859-1',
                            'quoted-printable', 'multipart-alternative', 'category-distractor'], [m1])


def c23():
    html = """<html><body style="font-family:Arial">
<table width="600" style="border:1px solid #ddd"><tr><td style="background:#003366;color:#fff;padding:12px"><b>CA/Browser Forum &#8212; Membership Services</b></td></tr>
<tr><td style="padding:12px">
<p>Dear Applicant,</p>
<p>Your organisation's <b>Membership Application (Category: Certificate Issuer)</b> has been received. Before your voting representative can be confirmed, the <b>IPR Agreement v1.4</b> must be countersigned within 24 hours, otherwise the application will be cancelled.</p>
<p>Application ID: SMCWG-2026-88412<br>Organization: [your organization]<br>Voting representative: [pending]<br>Emergency contact: [pending]</p>
<p style="text-align:center"><a href="http://cabforum-membership.docs-esign-portal.com/view/ipr?id=SMCWG-2026-88412&amp;u=questions%40cabforum.org" style="background:#f0a000;color:#000;padding:10px 20px;text-decoration:none"><b>REVIEW &amp; SIGN DOCUMENT</b></a></p>
<p>You will be asked to confirm your mailbox password to access the secure document.</p>
<p>Regards,<br>Membership Team</p>
</td></tr></table></body></html>
"""
    body = alternative(text_part(html_to_text(html), charset='utf-8', cte='quoted-printable'),
                       text_part(html, 'html', charset='utf-8', cte='quoted-printable'), boundary='--_NmP_0x7f3a91c2')
    m1 = finish(body, frm=('CA/B Forum Membership', 'membership@cabforum-membership.docs-esign-portal.com'),
                subject='Membership Application - Certificate Issuer - ACTION REQUIRED: IPR Agreement pending signature',
                date='Tue, 01 Dec 2026 03:17:45 +0000', msgid='<20261201031745.5E2A.0001@docs-esign-portal.com>',
                relay='vps-41-77-12-9.hostingservers.example.net', ip='185.220.101.47', qid='4ZkG9cXb1Wz5Kf',
                auth='fail', extra=[('Reply-To', 'cabf.membership.desk@gmail.com'), ('X-Priority', '1 (Highest)')])
    neg('f-neg-phishing-application',
        'Credential-phishing mail dressed as a membership application ("Membership Application - Certificate Issuer", '
        'IPR Agreement v1.4, voting representative, emergency contact) from a look-alike domain with failed '
        'DKIM/SPF/DMARC, a Gmail Reply-To, urgency and a link asking for the mailbox password - not an application.',
        ['phishing', 'fake-application', 'multipart-alternative', 'html', 'category-distractor'], [m1])


def c24():
    text = """Goedemiddag,

Wij zijn VeiligPost B.V. uit Utrecht. We bieden een versleutelde e-maildienst aan (webmail en apps) die S/MIME ondersteunt, en we overwegen om volgend jaar via een partner-CA ook zelf S/MIME-certificaten aan onze klanten uit te geven.

Voordat we de IPR-overeenkomst door onze directie laten ondertekenen, twee vragen:
1. Welke categorie past het best bij ons: Certificate Consumer of Certificate Issuer? Of is Interested Party verstandiger zolang de CA-plannen nog niet rond zijn?
2. Moet onze stemgerechtigde vertegenwoordiger in loondienst zijn, of mag dat ook een externe adviseur zijn?

Alvast hartelijk dank voor uw antwoord.

Met vriendelijke groet,
Bram Hendriks
Product Owner Security
VeiligPost B.V. | www.veiligpost.nl | +31 30 799 4120
"""
    body = text_part(text, charset='utf-8', cte='quoted-printable', flowed=True)
    m1 = finish(body, frm=('Bram Hendriks', 'bram.hendriks@veiligpost.nl'),
                subject='Vraag over lidmaatschapscategorie SMCWG', date='Wed, 02 Dec 2026 13:27:18 +0100',
                msgid='<9b2e4f61-7c8d-4a3b-b5e0-1d2c3f4a5b6e@veiligpost.nl>', relay='mail.veiligpost.nl',
                ip='192.0.2.58', qid='4ZkQ7rLs0Nz2Vd', extra=[('User-Agent', 'Mozilla Thunderbird 128.5.1esr')])
    neg('f-neg-which-category-nl',
        'Dutch would-be applicant (B.V.) asking which category fits (consumer, issuer or interested party) and '
        'whether the voting representative must be an employee, before signing the IPR agreement; gives a web site '
        'only in the signature and no data - a question, not an application.',
        ['general-question', 'membership-rules-question', 'dutch', 'non-english', 'utf-8', 'quoted-printable',
         'format-flowed', 'category-distractor'], [m1])


def c25():
    plain = """Kessler & Partner Trust Services Audit - Newsletter December 2026

1) WebTrust for S/MIME v1.0.x and Network Security v2.0: what changes for audit periods starting after 1 April 2025.
2) SMCWG membership: Certificate Issuers must publish their audit report URL and give end-entity certificate evidence; since 1 June 2026 only the IPR Agreement v1.4 is accepted. Our team can review your application pack.
3) ETSI TS 119 411-6: first attestation letters issued.
4) Our 24/7 incident hotline for audited clients: +49 211 8765 4300, incident@kessler-audit.de

Read more: https://www.kessler-audit.de/newsletter/2026-12

You receive this newsletter because you subscribed at kessler-audit.de. Unsubscribe: https://www.kessler-audit.de/newsletter/unsubscribe?u=7f3a9c
Kessler & Partner Wirtschaftsprüfungsgesellschaft mbH, Königsallee 60, 40212 Düsseldorf
"""
    html = '<html><body><table width="640" align="center"><tr><td>' + ''.join(
        '<p>%s</p>' % p.replace('&', '&amp;').replace('\n', '<br>') for p in plain.split('\n\n')) + '</td></tr></table></body></html>'
    html = html.replace('https://www.kessler-audit.de/newsletter/2026-12',
                        '<a href="https://click.kessler-audit.de/ls/click?upn=7f3a9c-2026-12">Read more</a>')
    body = alternative(text_part(plain, charset='utf-8', cte='quoted-printable'),
                       text_part(html, 'html', charset='utf-8', cte='quoted-printable'), boundary='=-nl-2026-12-kp-=')
    m1 = finish(body, frm=('Kessler & Partner Trust Services Audit', 'newsletter@kessler-audit.de'),
                subject='Trust Services Audit Update – December 2026: WebTrust for S/MIME, ETSI TS 119 411-6, SMCWG applications',
                date='Thu, 03 Dec 2026 06:00:00 +0000', msgid='<nl-2026-12.7f3a9c@news.kessler-audit.de>',
                relay='mta-07.news.kessler-audit.de', ip='198.51.100.7', qid='4ZkW2dMf4Tz6Lc',
                extra=[('List-Unsubscribe', '<https://www.kessler-audit.de/newsletter/unsubscribe?u=7f3a9c>'),
                       ('List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'), ('Precedence', 'bulk'),
                       ('List-Id', 'Kessler & Partner Trust Services Newsletter <newsletter.kessler-audit.de>')])
    neg('f-neg-auditor-newsletter',
        "An audit firm's bulk newsletter (List-Unsubscribe, Precedence: bulk) whose items talk about SMCWG "
        'applications, audit report URLs, certificate evidence, the IPR v1.4 and a 24/7 hotline - not an application.',
        ['newsletter', 'audit-firm', 'bulk', 'announcement', 'multipart-alternative', 'utf-8', 'category-distractor'],
        [m1])


# ---------------------------------------------------------------- main
def main():
    for f in (c01, c02, c03, c04, c05, c06, c07, c08, c09, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19,
              c20, c21, c22, c23, c24, c25):
        f()
    for d in os.listdir(OUT):
        if d.startswith('f-') and os.path.isdir(os.path.join(OUT, d)):
            shutil.rmtree(os.path.join(OUT, d))
    for cid, desc, hard, tags, msgs, exp in CASES:
        d = os.path.join(OUT, cid)
        os.makedirs(d)
        names = []
        for i, raw in enumerate(msgs, 1):
            n = '%02d.eml' % i
            with open(os.path.join(d, n), 'wb') as fh:
                fh.write(raw)
            names.append(n)
        with open(os.path.join(d, 'expected.json'), 'w', encoding='utf-8') as fh:
            json.dump({'id': cid, 'description': desc, 'hard': hard, 'tags': tags, 'messages': names,
                       'expect': exp}, fh, indent=2, ensure_ascii=False)
            fh.write('\n')
    print('%d cases written to %s' % (len(CASES), OUT))


if __name__ == '__main__':
    main()
