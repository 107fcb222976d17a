"""Raw RFC 5322 bytes -> ParsedEmail.

Built on the standard library's most forgiving parser (policy compat32) with our own walk over
the MIME tree, so that every limit is ours to enforce: nesting depth, part count, header lines,
attachment size, text length. Hostile or broken input ends in one of three ways: a ParsedEmail
(with the oddities listed in `defects`), LimitExceeded (quarantined visibly, naming the limit),
or ParseError (nothing usable at all). Nothing else escapes.

Archives are never expanded. Outlook's winmail.dat (TNEF) is unpacked in a child process with a
time and memory limit, because tnefparse loops on counts read from the file.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.header
import email.policy
import email.utils
import hashlib
import json
import logging
import re
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from typing import Any

from .config import DEFAULT_LIMITS, Limits
from .errors import LimitExceeded, ParseError
from .records import Attachment, ParsedEmail

log = logging.getLogger(__name__)

_MSGID = re.compile(r"<[^<>\s]+>")
_BARE_MSGID = re.compile(r"[^<>\s@()\"]+@[^<>\s@()\"]+")  # "12345@host": real mailers omit the brackets
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_ENCODED_WORD = re.compile(r"=\?[^?\s]{1,75}\?[bBqQ]\?[^?\s]{0,2000}\?=")
_PLACEHOLDER = re.compile(r"xencodedword(\d+)x")
_ESCAPED_RUN = re.compile(r"[\udc80-\udcff]+")
_BOUNDARY_PARAM = re.compile(rb'boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))', re.I)
_SPLIT_BOUNDARY = re.compile(rb"boundary\*", re.I)  # RFC 2231: boundary*0="ab"; boundary*1="cd"
_DELIMITER_LINE = re.compile(rb"^--([^\r\n]{1,202})", re.M)
_HEADER_LINE = re.compile(rb"^[A-Za-z0-9_-]{1,76}+[ \t]*+:", re.M)
TNEF_SIGNATURE = b"\x78\x9f\x3e\x22"
TNEF_TYPES = ("application/ms-tnef", "application/vnd.ms-tnef")

MAX_FILENAME = 120
MAX_SUBJECT = 2000
MAX_HEADER_VALUE = 64 * 1024  # one occurrence of one header, before decoding
MAX_HEADERS_TOTAL = 1024 * 1024  # all header text kept; past it only each name's first value, shortened
MAX_HEADER_LINES = 100_000  # header-like lines in the whole message (each one costs a Python object)
MAX_ADDRESSES = 1000
MAX_INSCRIPTIS = 2 * 1024 * 1024  # larger HTML is stripped of tags instead of laid out

# Charset labels seen in real mail that Python does not know, or knows only as a narrower set.
_CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "x-sjis": "shift_jis",
    "shift-jis": "shift_jis",
    "x-euc-jp": "euc_jp",
    "iso-2022-jp": "iso2022_jp_ext",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "x-mac-roman": "mac_roman",
    "windows-874": "cp874",
    "unicode-1-1-utf-7": "utf-7",
    "utf8": "utf-8",
}


@dataclass
class _Body:
    """The readable parts of one message: the outer one, or one forwarded inside it."""

    headers: Message
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    tnef_text: list[str] = field(default_factory=list)


def parse_email(raw: bytes, limits: Limits = DEFAULT_LIMITS) -> ParsedEmail:
    """Parse a message; raises ParseError only when nothing usable can be read,
    LimitExceeded when it is over one of the limits (those of parsing: depth, parts, attachment
    and header bytes, text length, the TNEF child's time)."""
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise ParseError(f"not bytes: {type(raw).__name__}")
    raw = bytes(raw)
    if not raw.strip():
        raise ParseError("empty message")
    _precheck(raw, limits)
    try:
        # blank lines before the first header would make every header body text
        msg = email.message_from_bytes(raw.lstrip(b"\r\n"), _BoundedMessage, policy=email.policy.compat32)
    except RecursionError as exc:
        raise LimitExceeded(f"MIME nesting too deep to parse (limit {limits.max_depth})") from exc
    except MemoryError:
        raise
    except Exception as exc:  # the stdlib parser is lenient; anything here means nothing usable
        raise ParseError(f"unparseable MIME: {type(exc).__name__}: {exc}") from exc
    return _Reader(limits).read(msg, raw)


def html_to_text(html: str) -> str:
    """HTML -> text with inscriptis: it lays table rows out on one line each, which
    keeps Outlook's 'label | value' tables readable for the extractor."""
    if len(html) <= MAX_INSCRIPTIS:
        from inscriptis import Inscriptis  # imported here: only HTML-only mail needs it

        try:
            tree = html_tree(html)
            _show_link_targets(tree)
            return str(Inscriptis(tree).get_text())
        except MemoryError:
            raise
        except (Exception, RecursionError):  # inscriptis/lxml on hostile markup
            pass
    return _TAG.sub(" ", html)


def html_tree(html: str) -> Any:
    """The lxml tree of an HTML text (lxml raises on hostile markup: callers catch). An XML declaration
    is dropped first: lxml refuses a str that declares its encoding."""
    from lxml.html import document_fromstring  # imported here: only mail with HTML needs it

    return document_fromstring(re.sub(r"^\s*<\?xml[^>]*>", "", html))


# No '<' inside a tag: with '[^>]*' every '<' that no '>' follows scanned on to the end of the text
# (quadratic in the number of '<'); now each scan ends at the next '<'.
_TAG = re.compile(r"<[^<>]*>")


def _show_link_targets(tree: Any) -> None:  # lxml.html.HtmlElement
    """'<a href="https://crt.sh/?id=5">example 1</a>' -> 'example 1<https://crt.sh/?id=5>', the form
    Outlook's plain text gives a link: the address is the data, and HTML mail often hides it behind
    other words ('our website', 'here', a name for a mailto link). The reader (reader.links) unwraps
    and judges the target; a link whose words already show it is left alone."""
    for link in tree.iter("a"):
        href = (link.get("href") or "").strip()
        if (
            not re.match(r"(?:https?://|mailto:)\S", href, re.I)
            or len(href) > 8192
            or re.search(r"[\s<>\"]", href)
        ):
            continue
        bare = re.sub(r"^(?:https?://|mailto:)", "", href, flags=re.I).rstrip("/")
        words = link.text_content()
        if words.strip() and bare.lower() not in words.lower():
            link.tail = f"<{href}>{link.tail or ''}"


def decode_header_value(value: str) -> str:
    """RFC 2047 words -> text, tolerating unknown charsets and broken encodings."""
    value = _unescape_8bit(value)
    if "=?" not in value:
        return value
    try:
        parts = email.header.decode_header(value)
    except MemoryError:
        raise
    except Exception:
        return value
    out = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            out.append(chunk)
        elif charset is None:  # decode_header hands back plain runs as raw-unicode-escape bytes
            out.append(chunk.decode("raw-unicode-escape", "replace"))
        else:
            out.append(decode_bytes(chunk, charset))
    # decode_header keeps the whitespace between an encoded word and plain text apart
    return re.sub(r"\s+", " ", "".join(out))


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Bytes in a declared charset -> text. Never raises: a wrong or unknown label falls back
    to UTF-8, then to the declared charset (or Windows-1252) with replacement characters."""
    codec = _codec(charset)
    for candidate in (codec, "utf-8"):
        if candidate:
            try:
                return _no_surrogates(data.decode(candidate))
            except (UnicodeError, LookupError):
                pass
    if codec in (None, "utf-8", "us-ascii", "ascii"):
        codec = "cp1252"  # 8-bit text labelled ASCII or UTF-8 is Windows-1252 more often than not
    try:
        return _no_surrogates(data.decode(codec, "replace"))
    except LookupError:
        return data.decode("cp1252", "replace")


def safe_filename(name: str | None, fallback: str = "attachment") -> str:
    """An attachment name that is only data: no directories, no control characters."""
    name = unicodedata.normalize("NFC", _no_surrogates(decode_header_value(name or "")))
    name = _CONTROL.sub("", name).replace("\\", "/").rsplit("/", 1)[-1].strip(" .")
    if not name:
        return fallback
    if len(name) > MAX_FILENAME:
        stem, dot, ext = name.rpartition(".")
        name = (
            (stem[: MAX_FILENAME - len(ext) - 1] + dot + ext)
            if dot and len(ext) < 10
            else name[:MAX_FILENAME]
        )
    return name


def sniff_type(payload: bytes, declared: str) -> str:
    """The content type told by the bytes, where they tell; else the declared one."""
    head = payload[:1024].lstrip()
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if b"-----BEGIN CERTIFICATE-----" in payload[:65536] or b"-----BEGIN PKCS7-----" in payload[:65536]:
        return "application/x-pem-file"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        return "application/zip"  # kept as it is: archives are never expanded
    if payload.startswith(TNEF_SIGNATURE):
        return "application/ms-tnef"
    return (declared or "application/octet-stream").lower()


# -- limits checked on the raw bytes, before the parser builds objects ---------------------------


def _precheck(raw: bytes, limits: Limits) -> None:
    """Cheap scans that stop a message before it costs memory: the top header block, header-like
    lines (each a Python object once parsed) and MIME delimiter lines (each a part)."""
    end = _header_end(raw)
    if end > limits.max_header_bytes:
        raise LimitExceeded(f"header block of {end} bytes, over the limit of {limits.max_header_bytes}")
    if raw.count(b":") > MAX_HEADER_LINES:  # else there cannot be that many header lines: skip the scan
        for lines, _ in enumerate(_HEADER_LINE.finditer(raw), 1):
            if lines > MAX_HEADER_LINES:
                raise LimitExceeded(f"more than {MAX_HEADER_LINES} header lines")
    if raw.count(b"\n--") <= 2 * limits.max_parts + 1:
        return  # too few delimiter-like lines to exceed the limit: skip the regex scans (C speed)
    boundaries = {a or b for a, b in _BOUNDARY_PARAM.findall(raw)}
    if len(boundaries) > limits.max_parts:
        raise LimitExceeded(f"more than {limits.max_parts} MIME parts")
    # A boundary written in RFC 2231 pieces is not put together here: every delimiter-like line counts.
    split = _SPLIT_BOUNDARY.search(raw) is not None
    if not boundaries and not split:
        return
    parts = 0
    for match in _DELIMITER_LINE.finditer(raw):
        token = match.group(1).rstrip(b" \t")
        if split or token in boundaries or (token.endswith(b"--") and token[:-2] in boundaries):
            parts += 1
            if parts > 2 * limits.max_parts + 2:  # an opening and a closing line per multipart
                raise LimitExceeded(f"more than {limits.max_parts} MIME parts")


def _header_end(raw: bytes) -> int:
    ends = [i for i in (raw.find(b"\n\n"), raw.find(b"\r\n\r\n"), raw.find(b"\r\r")) if i >= 0]
    return min(ends) if ends else len(raw)


# -- the walk over the MIME tree -----------------------------------------------------------------


class _BoundedMessage(Message):
    """The stdlib's compat32 Message, reading a Content-Type or Content-Disposition parameter list only
    as far as its first MAX_PARAMETERS parameters and MAX_PARAMETER_TEXT characters. Its parameter parser
    counts the quotes from the start again at each ';': a 400 KB quoted parameter took minutes, and the
    parser asks for the boundary while it parses, before any limit of ours is checked."""

    def get(self, name: str, failobj: Any = None) -> Any:
        value = super().get(name, failobj)
        if isinstance(value, str) and len(value) > 1024 and name.lower() in _PARAMETER_HEADERS:
            return _first_parameters(value)
        return value


_PARAMETER_HEADERS = ("content-type", "content-disposition")
MAX_PARAMETERS = 100
MAX_PARAMETER_TEXT = 16 * 1024


def _first_parameters(value: str) -> str:
    value = value[:MAX_PARAMETER_TEXT]
    cut = -1
    for _ in range(MAX_PARAMETERS + 1):
        cut = value.find(";", cut + 1)
        if cut < 0:
            return value
    return value[:cut]


class _Reader:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.defects: set[str] = set()
        self.attachments: list[Attachment] = []
        self.bodies: list[_Body] = []

    def read(self, msg: Message, raw: bytes) -> ParsedEmail:
        try:
            self._walk(msg)
        except RecursionError as exc:
            raise LimitExceeded(f"MIME nesting too deep (limit {self.limits.max_depth})") from exc
        headers = self._headers(msg)
        # Addresses are read before RFC 2047 decoding: an encoded display name may hide
        # "\r\nTo: someone@else" or a comma, which must stay part of the name.
        name, address = _first_address(_address_header(msg, "from"))
        outer = self.bodies[0]
        text = _body_text(outer)
        # A forwarded message (message/rfc822) is read as part of this one: its text follows ours
        # under its own From/Date/Subject lines, and its attachments are ours. The applicant is
        # still whoever sent *this* message (the forwarder): replies go only to the address the
        # mail came from, never to one written inside it, which nobody vouched for and could be a
        # stranger's. Application data in the forwarded text (organisation, representatives with
        # their addresses, ...) is extracted as if the forwarder had written it.
        for body in self.bodies[1:]:
            text += "\n\n" + _forwarded_block(body)
        html = "\n".join(h for body in self.bodies for h in body.html)
        text, html = self._cut(_clean_text(text)), self._cut(html)
        return ParsedEmail(
            message_id=_message_id(headers.get("message-id", ""), raw),
            subject=_one_line(headers.get("subject", ""))[:MAX_SUBJECT],
            from_name=name,
            from_address=address,
            to=tuple(a for _, a in _addresses(_address_header(msg, "to"))),
            cc=tuple(a for _, a in _addresses(_address_header(msg, "cc"))),
            date=_date(headers.get("date", "")),
            in_reply_to=message_ids(headers.get("in-reply-to", "")),
            references=message_ids(headers.get("references", "")),
            headers=headers,
            text=text,
            html=html,
            attachments=tuple(self.attachments),
            content_type=_content_type(msg),
            defects=tuple(sorted(self.defects)),
        )

    def _walk(self, root: Message) -> None:
        """Depth-first, without recursion, in document order; every part counts toward the limits."""
        self.bodies.append(_Body(root))
        stack: list[tuple[Message, int, _Body, bool]] = [(root, 0, self.bodies[0], False)]
        seen = 0
        while stack:
            part, depth, body, attached = stack.pop()
            seen += 1
            if seen > self.limits.max_parts:
                raise LimitExceeded(f"more than {self.limits.max_parts} MIME parts")
            if depth > self.limits.max_depth:
                raise LimitExceeded(f"MIME nesting deeper than {self.limits.max_depth} levels")
            self.defects.update(type(d).__name__ for d in getattr(part, "defects", ()))
            children = part.get_payload() if part.is_multipart() else None
            if not isinstance(children, list):
                self._leaf(part, body, attached)
                continue
            ctype = _content_type(part)
            if ctype == "message/rfc822" and children and isinstance(children[0], Message):
                body = _Body(children[0])
                self.bodies.append(body)
            if _broken(part, children):
                # a boundary the parser could not match leaves the rest of the part in the epilogue
                children = [*children, *_recover_epilogue(part)]
            # RFC 2183: a disposition on a container applies to everything in it
            attached = attached or _disposition(part) not in ("", "inline")
            for child in reversed(children):
                if isinstance(child, Message):
                    stack.append((child, depth + 1, body, attached))

    def _leaf(self, part: Message, body: _Body, attached: bool) -> None:
        ctype = _content_type(part)
        if ctype.startswith("message/") or ctype == "text/rfc822-headers":
            return  # delivery-status fields and similar: machine data, not text
        filename = _filename(part)
        disposition = _disposition(part)
        content_id = _header_str(part, "content-id")
        subtype = ctype.partition("/")[2]
        is_text = ctype in ("text/plain", "text/html")
        is_attachment = bool(
            filename
            or (content_id and subtype not in ("html", "plain"))
            or subtype == "rtf"
            or disposition == "attachment"
        )
        if is_attachment:
            self._attachment(part, filename or content_id.strip("<>") or f"part.{subtype or 'bin'}", ctype)
        if is_attachment and not (is_text and disposition == "inline" and not attached):
            return
        if is_text or ctype.startswith("multipart/"):
            # multipart/* here means its boundary was missing or broken: read it as text, so a
            # mangled application is still seen (the raw part headers do not harm the extractor)
            payload = _decoded_payload(part)
            if payload:
                text = decode_bytes(self._cap(payload), _charset(part))
                if ctype == "text/plain" and _param(part, "format").lower() == "flowed":
                    text = unflow(text, delsp=_param(part, "delsp").lower() == "yes")
                (body.html if ctype == "text/html" else body.plain).append(text)

    def _attachment(self, part: Message, filename: str, declared: str) -> None:
        encoded = _payload_text(part)
        # base64 is 4/3 of the bytes plus line ends: well over that cannot fit, so is not decoded
        if isinstance(encoded, str) and len(encoded) > self.limits.max_attachment_bytes * 1.4 + 4096:
            raise LimitExceeded(self._too_big(filename, len(encoded) * 3 // 4))
        payload = _decoded_payload(part)
        if len(payload) > self.limits.max_attachment_bytes:
            raise LimitExceeded(self._too_big(filename, len(payload)))
        self._add_attachment(filename, payload, declared)
        if (
            declared in TNEF_TYPES
            or payload.startswith(TNEF_SIGNATURE)
            or filename.lower().endswith("winmail.dat")
        ):
            self._unpack_tnef(payload)

    def _add_attachment(self, filename: str, payload: bytes, declared: str) -> None:
        self.attachments.append(
            Attachment(
                filename=safe_filename(filename),
                content_type=sniff_type(payload, declared),
                payload=payload,
                sha256=hashlib.sha256(payload).hexdigest(),
                size=len(payload),
            )
        )

    def _unpack_tnef(self, payload: bytes) -> None:
        """winmail.dat: its files become ordinary attachments (kept beside the .dat itself),
        and its body is text for a message that has no other."""
        found = unpack_tnef(
            payload,
            max_files=self.limits.max_parts,
            max_file_bytes=self.limits.max_attachment_bytes,
            timeout=self.limits.tnef_timeout,
        )
        if found.error:
            self.defects.add("TnefDefect")
            log.info("winmail.dat not unpacked: %s", found.error)
        if found.oversize:
            raise LimitExceeded(self._too_big(found.oversize[0], found.oversize[1]))
        for name, data in found.files:
            self._add_attachment(name or "winmail-attachment", data, "application/octet-stream")
        if found.body.strip():
            self.bodies[0].tnef_text.append(found.body)

    def _headers(self, msg: Message) -> dict[str, str]:
        """Lower-case name -> every value, decoded, one per line. Past MAX_HEADERS_TOTAL only the
        first value of a name not yet seen is kept (shortened): an Auto-Submitted after a megabyte
        of junk still counts."""
        values: dict[str, list[str]] = {}
        budget = MAX_HEADERS_TOTAL
        for name, value in msg.raw_items():
            key = _no_surrogates(str(name)).strip().lower()
            if budget <= 0:
                if key in values:
                    continue
                value = str(value)[:1024]
                self.defects.add("HeaderBudgetExceeded")
            text = _unfold(decode_header_value(_unfold(str(value)[:MAX_HEADER_VALUE])))
            text = _CONTROL.sub(" ", _no_surrogates(text)).strip()
            budget -= len(text) + len(key)
            values.setdefault(key, []).append(text)
        return {key: "\n".join(found) for key, found in values.items()}

    def _cap(self, payload: bytes) -> bytes:
        limit = self.limits.max_text_chars * 4  # UTF-8: at most four bytes a character
        if len(payload) > limit:
            self.defects.add("TextTruncated")
            return payload[:limit]
        return payload

    def _cut(self, text: str) -> str:
        if len(text) > self.limits.max_text_chars:
            self.defects.add("TextTruncated")
            return text[: self.limits.max_text_chars]
        return text

    def _too_big(self, filename: str, size: int) -> str:
        name = safe_filename(filename)
        return f"attachment {name!r} is {size} bytes, over the limit of {self.limits.max_attachment_bytes}"


# -- TNEF, in a child process -------------------------------------------------------------------


@dataclass(frozen=True)
class TnefContents:
    files: tuple[tuple[str, bytes], ...] = ()
    body: str = ""
    oversize: tuple[str, int] | None = None  # the first file over the size limit
    error: str = ""


_TNEF_CHILD = r"""
import base64, json, resource, sys
cap = 512 << 20  # within the worker's own limit, when that is lower (a process may only lower it)
_, hard = resource.getrlimit(resource.RLIMIT_AS)
cap = cap if hard == resource.RLIM_INFINITY else min(cap, hard)
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
max_files, max_bytes = int(sys.argv[1]), int(sys.argv[2])
from tnefparse.tnef import TNEF
t = TNEF(sys.stdin.buffer.read(), do_checksum=False)
out = {"files": [], "body": "", "oversize": None}
for a in t.attachments[:max_files]:
    try:
        name = a.long_filename()
    except Exception:
        name = getattr(a, "_name", b"")
    if isinstance(name, bytes):
        name = name.decode("cp1252", "replace")
    data = a.data if isinstance(a.data, bytes) else b""
    if len(data) > max_bytes:
        out["oversize"] = [str(name), len(data)]
        break
    out["files"].append([str(name).strip("\x00"), base64.b64encode(data).decode()])
for body in (t.body, t.htmlbody):
    if body:
        out["body"] = body.decode("cp1252", "replace") if isinstance(body, bytes) else str(body)
        out["html"] = body is t.htmlbody
        break
json.dump(out, sys.stdout)
"""


def unpack_tnef(payload: bytes, *, max_files: int, max_file_bytes: int, timeout: float) -> TnefContents:
    """The files and body inside a winmail.dat. tnefparse runs in a child process with a time and
    memory limit: it trusts counts read from the file (a loop of four billion turns is one bad
    word away). Never raises; a file it cannot read comes back with `error` set."""
    if not payload.startswith(TNEF_SIGNATURE):
        return TnefContents(error="no TNEF signature")
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-c", _TNEF_CHILD, str(max_files), str(max_file_bytes)],
            input=payload,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return TnefContents(error=f"tnefparse took over {timeout} s")
    except OSError as exc:
        return TnefContents(error=f"cannot run tnefparse: {exc}")
    if done.returncode != 0:
        last = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        return TnefContents(error=f"tnefparse failed: {last[0][:300]}")
    try:
        out = json.loads(done.stdout)
        files = tuple((str(n), base64.b64decode(d)) for n, d in out["files"])
        body = str(out.get("body") or "")
        if out.get("html"):
            body = html_to_text(body)
        oversize = (str(out["oversize"][0]), int(out["oversize"][1])) if out.get("oversize") else None
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        return TnefContents(error=f"unreadable tnefparse output: {exc}")
    return TnefContents(files=files, body=_no_surrogates(body), oversize=oversize)


# -- small pure helpers -------------------------------------------------------------------------


def _body_text(body: _Body) -> str:
    text = "\n".join(body.plain)
    if not text.strip() and body.html:
        text = html_to_text("\n".join(body.html))
    if not text.strip() and body.tnef_text:
        text = "\n".join(body.tnef_text)
    return text


def _forwarded_block(body: _Body) -> str:
    lines = ["---------- Forwarded message ----------"]
    for name in ("From", "Date", "Subject", "To", "Cc"):
        value = body.headers.get(name)
        if value is not None:
            lines.append(f"{name}: {_one_line(decode_header_value(_unfold(str(value)[:4096])))}")
    return "\n".join(lines) + "\n\n" + _body_text(body)


def _broken(part: Message, children: list[Any]) -> bool:
    if not isinstance(part.epilogue, str) or not part.epilogue.strip():
        return False
    return bool(part.defects) or any(getattr(c, "defects", None) for c in children)


def _recover_epilogue(part: Message) -> list[Message]:
    """The parts a broken boundary left in a multipart's epilogue, read as parts of their own;
    text without any delimiter comes back as one text/plain part."""
    epilogue = _to_bytes(str(part.epilogue))
    boundary = part.get_boundary()
    chunks = [epilogue]
    if boundary:
        delimiter = re.compile(rb"^--" + re.escape(_to_bytes(boundary)) + rb"(?:--)?[ \t]*\r?$", re.M)
        chunks = delimiter.split(epilogue)
    found: list[Message] = []
    for chunk in chunks:
        if not chunk.strip():
            continue
        if len(chunks) == 1:
            recovered: Message = _BoundedMessage()
            recovered.set_payload(epilogue.decode("utf-8", "surrogateescape"))
        else:
            recovered = email.message_from_bytes(
                chunk.lstrip(b"\r\n"), _BoundedMessage, policy=email.policy.compat32
            )
        found.append(recovered)
    return found


def _payload_text(part: Message) -> object:
    """A leaf's payload as the parser left it (text), or None. The stdlib decodes 8-bit text with the
    charset parameter here, which can be an RFC 2231 tuple or nonsense it cannot look up."""
    try:
        return part.get_payload()
    except MemoryError:
        raise
    except Exception:
        return None


def unflow(text: str, *, delsp: bool = False) -> str:
    """format=flowed text (RFC 3676) with the mailer's soft line breaks joined: a line ending in a space
    goes on in the next line of the same quote depth. Thunderbird and Apple Mail wrap long lines this
    way, and a wrap in the middle of a sentence turns its second half into a 'label: value' line."""
    lines = text.replace("\r\n", "\n").split("\n")
    out: list[str] = []
    soft = False
    depth = 0
    for line in lines:
        quotes = len(line) - len(line.lstrip(">"))
        content = line[quotes:]
        if soft and quotes == depth and content.strip():
            out[-1] += content[1:] if content.startswith(" ") else content  # (a space-stuffed line)
        else:
            out.append(line)
        depth = quotes
        soft = content.endswith(" ") and content != "-- "
        if soft and delsp:
            out[-1] = out[-1][:-1]
    return "\n".join(out)


def _param(part: Message, name: str) -> str:
    try:
        value = part.get_param(name)
    except MemoryError:
        raise
    except Exception:  # a hostile parameter list
        return ""
    return value if isinstance(value, str) else ""


def _charset(part: Message) -> str | None:
    try:
        return part.get_content_charset()
    except MemoryError:
        raise
    except Exception:  # an RFC 2231 charset* whose own charset is nonsense (e.g. a NUL in it)
        return None


def _decoded_payload(part: Message) -> bytes:
    raw = _payload_text(part)
    if isinstance(raw, str) and _header_str(part, "content-transfer-encoding").strip().lower() == "base64":
        try:  # binascii skips line ends itself: no list of lines, no second copy of the text
            return binascii.a2b_base64(_to_bytes(raw))
        except (binascii.Error, ValueError):
            pass  # the stdlib's decoder is more forgiving about broken padding
    try:
        data = part.get_payload(decode=True)
    except MemoryError:
        raise
    except Exception:  # a transfer encoding the stdlib chokes on: keep the bytes as they came
        data = None
    if isinstance(data, bytes):
        return data
    return _to_bytes(raw) if isinstance(raw, str) else b""


def _content_type(part: Message) -> str:
    try:
        return (part.get_content_type() or "text/plain").lower()
    except MemoryError:
        raise
    except Exception:
        return "text/plain"


def _disposition(part: Message) -> str:
    value = _header_str(part, "content-disposition")
    return value.split(";", 1)[0].strip().lower()


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except MemoryError:
        raise
    except Exception:
        return ""
    return str(name or "")


def _header_str(part: Message, name: str) -> str:
    value = part.get(name)
    return _no_surrogates(str(value)) if value is not None else ""


def _to_bytes(text: str) -> bytes:
    """A string the parser made from bytes (8-bit ones as surrogate escapes) back to those bytes."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace")


def _unescape_8bit(value: str) -> str:
    """Raw 8-bit header bytes arrive as surrogate escapes: read them as UTF-8, else Windows-1252."""
    if not _SURROGATES.search(value):
        return value
    try:
        text = value.encode("utf-8", "surrogateescape").decode("utf-8", "surrogateescape")
    except UnicodeError:
        return _no_surrogates(value)
    # what is not UTF-8 (a Latin-1 word among UTF-8 ones, say) is read as Windows-1252
    return _no_surrogates(_ESCAPED_RUN.sub(lambda m: _to_bytes(m.group()).decode("cp1252", "replace"), text))


def _no_surrogates(text: str) -> str:
    return _SURROGATES.sub("\ufffd", text) if _SURROGATES.search(text) else text


def _codec(charset: str | None) -> str | None:
    if not charset:
        return None
    label = str(charset).strip().strip("\"'").lower()
    if not label.isprintable() or not label.isascii():  # Python's codec lookup raises ValueError on NUL
        return None
    return _CHARSET_ALIASES.get(label, label) or None


def _unfold(value: str) -> str:
    return re.sub(r"\r?\n[ \t]+|\r[ \t]+", " ", value).replace("\r", " ").replace("\n", " ")


def _address_header(msg: Message, name: str) -> str:
    """Every value of an address header, undecoded and unfolded, one per line."""
    values = [str(v) for k, v in msg.raw_items() if str(k).strip().lower() == name][:100]
    return "\n".join(_unfold(_unescape_8bit(v[:MAX_HEADER_VALUE])) for v in values)


def _filler(words: list[str]) -> Callable[[re.Match[str]], str]:
    """Puts each encoded word back where _mask_encoded_words left its placeholder."""
    return lambda placeholder: words[int(placeholder.group(1))]


def _addresses(value: str) -> list[tuple[str, str]]:
    """(display name, address) pairs of an undecoded address header. Encoded words stand aside
    as plain atoms while the address parser runs, so nothing inside one (a comma, a colon,
    "<other@address>") can change where an address begins or ends."""
    found = []
    for line in value.split("\n"):
        words = _ENCODED_WORD.findall(line[:MAX_HEADER_VALUE])
        masked = _mask_encoded_words(line[:MAX_HEADER_VALUE])
        try:
            pairs = email.utils.getaddresses([masked])
        except MemoryError:
            raise
        except Exception:
            continue
        for name, address in pairs:
            if _usable(address):
                name = _PLACEHOLDER.sub(_filler(words), name)
                name = _CONTROL.sub(" ", _one_line(decode_header_value(name)))
                found.append((name, address.strip().lower()))
        if len(found) >= MAX_ADDRESSES:
            return found[:MAX_ADDRESSES]
    return found


def _mask_encoded_words(line: str) -> str:
    counter = iter(range(1 << 30))
    return _ENCODED_WORD.sub(lambda _m: f"xencodedword{next(counter)}x", line)


def _usable(address: str) -> bool:
    return "@" in address and not any(c.isspace() or c in "<>,;" for c in address.strip())


def _first_address(value: str) -> tuple[str, str]:
    pairs = _addresses(value.split("\n", 1)[0])
    return pairs[0] if pairs else ("", "")


def message_ids(value: str) -> tuple[str, ...]:
    """The message ids of a Message-ID, In-Reply-To or References header, each in angle brackets.
    Ids written without brackets ('12345@host', as some mailers send them) count when the header
    holds nothing but such ids: they are bracketed, so that threading finds the stored message."""
    value = value[:65536]
    found = _MSGID.findall(value)
    if found:
        return tuple(found)
    tokens = re.sub(r"\([^()]*\)", " ", value).split()  # comments aside
    if tokens and all(_BARE_MSGID.fullmatch(token) for token in tokens):
        return tuple(f"<{token}>" for token in tokens)
    return ()


def _message_id(value: str, raw: bytes) -> str:
    found = message_ids(value[:4096])
    if found and len(found[0]) <= 998:
        return found[0]
    # No usable Message-ID: derive one from the content, so a re-delivery still matches.
    return f"<{hashlib.sha256(raw).hexdigest()[:32]}@no-message-id.intake-bot.invalid>"


def _date(value: str) -> datetime | None:
    try:
        parsed = email.utils.parsedate_to_datetime(value.split("\n", 1)[0][:200])
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    try:
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return _no_surrogates(text.replace("\u00a0", " "))
