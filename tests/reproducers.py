"""Mail that once cost minutes or gigabytes, made in the test (issue 16's reproducers).

Each builder returns raw RFC 5322 bytes, small where the cost is in the reading, not the size.
"""

from __future__ import annotations

import zlib

from mails import make_mail


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (object n is objects[n - 1], object 1 the catalogue), with its xref."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes, entries: bytes = b"") -> bytes:
    packed = zlib.compress(data, 9)
    return b"<< /Length %d /Filter /FlateDecode %s>>\nstream\n%s\nendstream" % (len(packed), entries, packed)


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
_CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"


def shared_stream_pdf(pages: int = 12, operators: int = 300_000) -> bytes:
    """A few KB: every page draws the same content stream of `operators` text operators, which
    inflates to megabytes and is read again for each page (minutes of CPU for 300,000)."""
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(pages))
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
        b"/Contents %d 0 R >>" % (4 + pages)
    )
    objects = [_CATALOG, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages), _FONT]
    objects += [page] * pages
    objects.append(_stream(b"BT /F1 12 Tf " + b"(a) Tj " * operators + b"ET"))
    return _pdf(objects)


def many_forms_pdf(forms: int = 40, inflated: int = 70_000_000) -> bytes:
    """One page drawing `forms` form XObjects, each a ~70 KB stream that inflates to `inflated`
    bytes (an inline image): pypdf keeps each one, so memory grows by that much per form."""
    names = b" ".join(b"/X%d %d 0 R" % (i, 6 + i) for i in range(forms))
    resources = b"/Resources << /Font << /F1 5 0 R >> >> "
    form = _stream(
        b"BI /W 1000 /H %d /BPC 8 /CS /G ID " % (inflated // 1000) + bytes(inflated) + b" EI ",
        b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] " + resources,
    )
    objects = [
        _CATALOG,
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> /XObject << %s >> >> /Contents 4 0 R >>" % names,
        _stream(b"BT /F1 12 Tf (x) Tj ET " + b"".join(b"/X%d Do " % i for i in range(forms))),
        _FONT,
    ]
    return _pdf(objects + [form] * forms)


def with_pdf(pdf: bytes, copies: int = 1, subject: str = "IPR agreement") -> bytes:
    attachments = [(f"ipr-agreement-{n}.pdf", "application/pdf", pdf) for n in range(copies)]
    return make_mail(
        "Please find our signed IPR agreement attached.\n", subject=subject, attachments=attachments
    )


def long_quoted_parameter(size: int = 400_000) -> bytes:
    """A part whose Content-Type has one quoted parameter of `size` bytes full of ';' (the stdlib's
    parameter parser counts quotes from the start again at every ';')."""
    value = b"a;" * (size // 2)
    return (
        b"From: Eve <eve@evil.example>\r\nTo: questions@cabforum.org\r\nSubject: params\r\n"
        b"Message-ID: <params@evil.example>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        b'Content-Type: text/plain; name="' + value + b'"\r\n\r\nWe apply to join.\r\n--b--\r\n'
    )


def blank_lines(count: int = 40_000) -> bytes:
    """Blank lines between an application's lines: the quoted-reply patterns once took minutes."""
    return make_mail("We would like to apply.\n" + "\n" * count + "On Monday Bob wrote:\n> hello\n")


def separated_representatives(parts: int = 20_000) -> bytes:
    """A representatives line of `parts` ';'-separated pieces without an address (once 26 s)."""
    return make_mail("We would like to apply.\nRepresentatives: " + "a;" * parts + "\n")


def many_angle_brackets(count: int = 3_000_000) -> bytes:
    """HTML-only mail of 3 MB of "<" without ">" (over the size inscriptis is given, so the tags are
    stripped by a pattern, which scanned to the end at each "<")."""
    return make_mail("", html="<p>We would like to apply</p>" + "<" * count)
