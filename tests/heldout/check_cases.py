#!/usr/bin/env python3
"""Self-check of the fresh cases (format + consistency with the corpus README rules).

Does NOT run intake-bot.  Usage: python3 tests/heldout/check_cases.py
"""
import email
import glob
import hashlib
import json
import os
import re
import sys
import urllib.parse
from email import policy

from cryptography import x509

OUT = os.path.dirname(os.path.abspath(__file__))
CATS = {'certificate_issuer', 'certificate_consumer', 'interested_party', 'associate_member', None}
COMMON = ['category', 'organization_name', 'website_url', 'ipr_agreement', 'representatives', 'emergency_contact']
APP_KEYS = ['application', 'status', 'category', 'organization_name', 'website_url', 'applicant_email',
            'representatives', 'voting_email', 'emergency_contact', 'audit_report_url',
            'certificate_evidence_count_min', 'ipr_agreement', 'missing', 'replies']
errors = []


def err(cid, msg):
    errors.append('%s: %s' % (cid, msg))


def required(cat):
    req = list(COMMON)
    if cat in ('certificate_issuer', 'certificate_consumer'):
        req.append('voting_representative')
    if cat == 'certificate_issuer':
        req += ['audit_report_url', 'certificate_evidence']
    return set(req)


def pdf_ok(b):
    t = b.decode('latin1')
    m = re.search(r'startxref\n(\d+)\n%%EOF', t)
    if not m or not t[int(m.group(1)):].startswith('xref'):
        return False
    x = t[int(m.group(1)):]
    offs = re.findall(r'^(\d{10}) 00000 n $', x, re.M)
    return all(t[int(o):].startswith('%d 0 obj' % i) for i, o in enumerate(offs, 1))


def pdf_qualifies(b, msg_date_year=2026):
    t = b.decode('latin1')
    v14 = 'IPR Policy v.1.4' in t
    by = re.search(r'\(By: ([^)]*)\) Tj', t)
    date = re.search(r'\(Date: ([^)]*)\) Tj', t)
    signed = bool(by and by.group(1).strip('_ '))
    dated = bool(date and date.group(1).strip('_ '))
    return v14 and signed and dated


def all_text(msg):
    out = []
    for p in msg.walk():
        if p.is_multipart():
            continue
        ct = p.get_content_type()
        if ct.startswith('text/') or ct.endswith('vcard'):
            try:
                out.append(p.get_content())
            except Exception as e:  # noqa
                out.append(p.get_payload(decode=True).decode('utf-8', 'replace'))
    return '\n'.join(out)


def unwrap_all(text):
    """Undo the URL-defence wrappers used in the cases (for checking only)."""
    t = urllib.parse.unquote(text)
    t = re.sub(r'https://urldefense\.proofpoint\.com/v2/url\?u=([^&\s]+)[^\s"<>]*',
               lambda m: re.sub(r'-([0-9A-F]{2})', lambda n: chr(int(n.group(1), 16)), m.group(1).replace('_', '/')), t)
    t = re.sub(r'https://urldefense\.com/v3/__(.+?)__;[^\s"<>]*', r'\1', t)
    return t


def main():
    ids = set()
    all_mids = {}
    for d in sorted(glob.glob(os.path.join(OUT, 'f-*'))):
        cid = os.path.basename(d)
        j = json.load(open(os.path.join(d, 'expected.json'), encoding='utf-8'))
        if j['id'] != cid:
            err(cid, 'id mismatch')
        if set(j) != {'id', 'description', 'hard', 'tags', 'messages', 'expect'}:
            err(cid, 'top-level keys %s' % sorted(j))
        ids.add(cid)
        files = sorted(f for f in os.listdir(d) if f.endswith('.eml'))
        if files != j['messages']:
            err(cid, 'messages list %s vs files %s' % (j['messages'], files))
        msgs, raws = [], []
        for f in files:
            raw = open(os.path.join(d, f), 'rb').read()
            raws.append(raw)
            if b'\n' in raw.replace(b'\r\n', b''):
                err(cid, '%s: bare LF' % f)
            if any(len(l) > 998 for l in raw.split(b'\r\n')):
                err(cid, '%s: line > 998' % f)
            m = email.message_from_bytes(raw, policy=policy.default)
            msgs.append(m)
            for p in m.walk():
                if p.defects:
                    err(cid, '%s: defects %s' % (f, p.defects))
            for h in ('From', 'To', 'Subject', 'Date', 'Message-ID'):
                if m[h] is None:
                    err(cid, '%s: no %s' % (f, h))
                else:
                    str(m[h])
            mid = raw.split(b'Message-ID: ', 1)[1].split(b'\r\n', 1)[0].decode()
            if mid in all_mids:
                err(cid, '%s: Message-ID duplicates %s' % (f, all_mids[mid]))
            all_mids[mid] = (cid, f)
            for p in m.walk():
                if p.get_content_maintype() == 'text' and not p.get_filename():
                    cs = p.get_content_charset()
                    p.get_payload(decode=True).decode(cs)  # raises if wrong
                    if not p.get_content().strip():
                        err(cid, '%s: empty text part' % f)
            if 'MIME-Version' not in m:
                err(cid, 'no MIME-Version')
        # threading placeholders
        first_mid = raws[0].split(b'Message-ID: ', 1)[1].split(b'\r\n', 1)[0].decode()
        for i, raw in enumerate(raws[1:], 2):
            hdrs = raw.split(b'\r\n\r\n', 1)[0].decode('ascii')
            if '[{{reference}}]' not in hdrs.split('Subject:', 1)[1].split('\r\n')[0]:
                err(cid, '%02d: no [{{reference}}] in subject' % i)
            if 'In-Reply-To: {{last_reply_message_id}}' not in hdrs:
                err(cid, '%02d: In-Reply-To' % i)
            fm = first_mid if first_mid.startswith('<') else '<%s>' % first_mid
            if 'References: %s {{last_reply_message_id}}' % fm not in hdrs:
                err(cid, '%02d: References' % i)
        for raw in raws:
            if raw.count(b'{{') != raw.count(b'}}') or re.search(rb'\{\{(?!reference\}\}|last_reply_message_id\}\})', raw):
                err(cid, 'broken placeholder')
        ex = j['expect']
        if not ex['application']:
            if ex != {'application': False}:
                err(cid, 'negative expect should be {"application": false}')
            if 'negative' not in j['tags'] or '-neg-' not in cid:
                err(cid, 'negative naming/tag')
            continue
        if list(ex)[:3] != ['application', 'status', 'category']:
            err(cid, 'key order')
        for k in APP_KEYS:
            if k not in ex:
                err(cid, 'missing key %s' % k)
        cat = ex['category']
        if cat not in CATS:
            err(cid, 'bad category')
        if ('category:%s' % (cat or 'unknown')) not in j['tags']:
            err(cid, 'category tag')
        req = required(cat)
        miss = set(ex['missing'])
        if ex['missing'] != sorted(ex['missing']):
            err(cid, 'missing not sorted')
        if not miss <= req:
            err(cid, 'missing items not required of %s: %s' % (cat, miss - req))
        # field <-> missing consistency
        checks = {
            'category': cat is None,
            'organization_name': not ex['organization_name'],
            'website_url': ex['website_url'] is None,
            'ipr_agreement': not ex['ipr_agreement'],
            'representatives': not ex['representatives'],
            'emergency_contact': ex['emergency_contact'] is None,
        }
        if 'voting_representative' in req:
            checks['voting_representative'] = ex['voting_email'] is None
        if 'audit_report_url' in req:
            checks['audit_report_url'] = ex['audit_report_url'] is None
            checks['certificate_evidence'] = ex['certificate_evidence_count_min'] == 0
        for item, is_missing in checks.items():
            if is_missing != (item in miss):
                err(cid, 'item %s: field says missing=%s, list says %s' % (item, is_missing, item in miss))
        if cat != 'certificate_issuer' and (ex['audit_report_url'] or ex['certificate_evidence_count_min']):
            err(cid, 'audit/evidence given for non-issuer')
        if ex['status'] != ('complete' if not miss else 'incomplete'):
            err(cid, 'status')
        if ('complete' in j['tags']) == bool(miss) or ('missing-items' in j['tags']) != bool(miss):
            err(cid, 'complete/missing-items tag')
        v = [r['email'] for r in ex['representatives'] if r['voting']]
        if len(v) > 1 or (v[0] if v else None) != ex['voting_email'] and cat != 'interested_party':
            err(cid, 'voting flags vs voting_email')
        if cat in ('interested_party', 'associate_member') and ex['voting_email']:
            err(cid, 'voting_email for non-voting category')
        # replies
        reps = ex['replies']
        if [r['after_message'] for r in reps] != j['messages']:
            err(cid, 'one reply per message expected: %s' % [r['after_message'] for r in reps])
        for r in reps:
            if r['items'] != sorted(r['items']) or (r['kind'] == 'acknowledgement') != (not r['items']):
                err(cid, 'reply kind/items %s' % r)
            if not set(r['items']) <= set(COMMON) | {'voting_representative', 'audit_report_url', 'certificate_evidence'}:
                err(cid, 'bad item code')
        if sorted(reps[-1]['items']) != sorted(miss):
            err(cid, 'last reply items != missing')
        if ex['applicant_email'] != msgs[0]['From'].addresses[0].addr_spec:
            err(cid, 'applicant_email != From of first message')
        # attachments: IPR, certificates
        pdfs, certs = [], 0
        for m in msgs:
            for p in m.walk():
                fn = p.get_filename()
                if not fn:
                    continue
                b = p.get_payload(decode=True)
                if p.get_content_type() == 'application/pdf':
                    if not pdf_ok(b):
                        err(cid, 'invalid PDF %s' % fn)
                    pdfs.append((fn, b))
                if p.get_content_type() in ('application/x-pem-file', 'application/pkix-cert'):
                    (x509.load_pem_x509_certificate if b.startswith(b'-----') else x509.load_der_x509_certificate)(b)
                    certs += 1
        qual = [(fn, b) for fn, b in pdfs if pdf_qualifies(b)]
        if ex['ipr_agreement']:
            sha = ex['ipr_agreement_sha256']
            hit = [(fn, b) for fn, b in pdfs if hashlib.sha256(b).hexdigest() == sha]
            if not hit or hit[0][0] != ex['ipr_agreement_filename']:
                err(cid, 'IPR sha/filename not found among attachments')
            elif not pdf_qualifies(hit[0][1]):
                err(cid, 'expected IPR does not qualify')
            if len(qual) != 1:
                err(cid, '%d qualifying PDFs' % len(qual))
        else:
            if qual:
                err(cid, 'a qualifying IPR is attached but ipr_agreement false')
            if 'ipr_agreement_sha256' in ex:
                err(cid, 'sha given for missing IPR')
        # stated data present somewhere (after unwrapping)
        text = '\n'.join(unwrap_all(all_text(m)) for m in msgs) + '\n' + msgs[0]['From'].addresses[0].addr_spec
        low = text.lower()
        for r in ex['representatives']:
            if r['email'].lower() not in low:
                err(cid, 'rep email %s not in messages' % r['email'])
        if ex['emergency_contact']:
            ec = ex['emergency_contact']
            if 'email' in ec and ec['email'].lower() not in low:
                err(cid, 'emergency email not in text')
            if 'phone' in ec:
                digits = re.sub(r'\D', '', ec['phone'])
                if digits not in re.sub(r'\D', '', text):
                    err(cid, 'emergency phone digits not in text')
        for k in ('website_url', 'audit_report_url'):
            u = ex[k]
            if u:
                host = urllib.parse.urlsplit(u).hostname
                path = urllib.parse.urlsplit(u).path.rstrip('/')
                if host not in low or (path and path.lower() not in low):
                    # Mimecast etc. may hide it in the href; then the link text must show it
                    err(cid, '%s %s not visible in text' % (k, u))
        if cat == 'certificate_issuer':
            n = len(set(re.findall(r'crt\.sh/\?id=\d+', text))) + certs
            if n < ex['certificate_evidence_count_min']:
                err(cid, 'evidence count %d < %d' % (n, ex['certificate_evidence_count_min']))
    corpus_tags = set()
    for e in glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'shared', 'corpus', 'applications', '*', 'expected.json')):
        corpus_tags.update(json.load(open(e))['tags'])
    new_tags = set()
    for d in glob.glob(os.path.join(OUT, 'f-*')):
        new_tags.update(set(json.load(open(os.path.join(d, 'expected.json')))['tags']) - corpus_tags)
    print('cases:', len(ids), ' new tags:', sorted(new_tags))
    for e in errors:
        print('ERROR', e)
    print('OK' if not errors else '%d errors' % len(errors))
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
