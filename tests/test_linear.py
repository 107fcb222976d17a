"""Linear patterns (issue 16): 1 MB of adversarial text (runs of blanks, separators, '<', '@', digits,
quotes, newlines, 'Regards,' and 'Name:' lines and the words the readers look for) through the parser,
the body's first readers and the whole read (every field reader), each in a worker held to a CPU limit
well inside the default per-message limit. A quadratic pattern takes minutes on such text; over the
limit the worker is ended and the example fails with the reason."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from intake_bot import body, parse, reader, thread
from intake_bot.records import ParsedEmail
from intake_bot.worker import ReadFailed, Worker, WorkerLimits

SIZE = 1_000_000
CPU_SECONDS = 20  # a third of the default max_seconds_per_message
UNITS = (
    " ", "\t", "\n", "\r\n", " \n", ";", "; ", ",", ".", "<", ">", "<a ", "@", "a@b.example ", "7", "2026 ",
    '"', "'", ":", "-", "--\n", "=", "|", "(", ")", "[", "*", "_", "/", "http://", "On x wrote:\n", "> ",
    "Regards,\n", "From: a\n", "Representatives: ", "1. ", "-----BEGIN CERTIFICATE-----", "[cid:",
    "crt.sh/?id=", "+44 ", "Jane Roe ", "voting ", "and ", "Name: ", "Name:\n", "Organisation:\n",
)  # fmt: skip


# A recipe (a few units, each repeated) and not the megabyte itself is the example: a failure prints it.
recipes = st.lists(st.tuples(st.sampled_from(UNITS), st.integers(1, 40)), min_size=1, max_size=3).map(tuple)


def tiled(recipe: tuple[tuple[str, int], ...], size: int = SIZE) -> str:
    block = "".join(unit * count for unit, count in recipe)
    return (block * (size // len(block) + 1))[:size]


def _mail(body: str, content_type: str = "text/plain") -> bytes:
    head = "From: Eve <eve@evil.example>\nTo: questions@cabforum.org\nSubject: Membership application\n"
    return f"{head}MIME-Version: 1.0\nContent-Type: {content_type}; charset=utf-8\n\n{body}".encode()


def _headers(text: str) -> bytes:
    line = text.replace("\r", " ").replace("\n", " ")
    return f"From: {line[:400_000]}\nSubject: {line[:300_000]}\nTo: {line[:300_000]}\n\nhello\n".encode()


def _parsed(text: str) -> ParsedEmail:
    return ParsedEmail(
        message_id="<x@evil.example>", subject=text[:2000], from_name=text[:200], from_address="eve@evil.example",
        to=(), cc=(), date=None, in_reply_to=(), references=(), headers={}, text=text, html="",
        attachments=(), content_type="text/plain",
    )  # fmt: skip


ENTRY_POINTS = {
    # the parser on a message whose body is the text, as plain text and as HTML-only mail
    "plain body": lambda text: (parse.parse_email, _mail(text)),
    "html body": lambda text: (parse.parse_email, _mail(text, "text/html")),
    # header decoding and addresses
    "headers": lambda text: (parse.parse_email, _headers(text)),
    "html_to_text": lambda text: (parse.html_to_text, text),
    # what the readers first make of a body: quotes, signatures, pasted PEM blocks dropped
    "strip_quoted": lambda text: (body.strip_quoted, text),
    "strip_signature": lambda text: (body.strip_signature, text, "Jane Roe"),
    "evidence_free": lambda text: (body.evidence_free, text),
    "tidy": lambda text: (body.tidy, text),
    # threading reads the subject and text in the parent: it must be linear too
    "thread clues": lambda text: (thread.clues, _parsed(text)),
    # the whole read: every field reader over the body
    "read": lambda text: (reader.read, _parsed(text)),
}  # fmt: skip


@pytest.fixture(scope="module")
def worker():
    # the wall-clock limit well over the CPU limit: only CPU time judges, however busy the machine
    w = Worker(WorkerLimits(cpu_seconds=CPU_SECONDS, memory_bytes=768 << 20, wall_seconds=20 * CPU_SECONDS))
    yield w
    w.close()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(entry=st.sampled_from(sorted(ENTRY_POINTS)), recipe=recipes)
# the cases that once took minutes
@example(entry="strip_quoted", recipe=(("\n", 1),))
@example(entry="strip_signature", recipe=((" ", 1),))
@example(entry="strip_quoted", recipe=(("On x wrote:\n> y\n", 1),))
@example(entry="strip_signature", recipe=(("Regards,\n", 1),))
@example(entry="evidence_free", recipe=(("-----BEGIN X-----", 1),))
@example(entry="tidy", recipe=(("[cid:", 1),))
@example(entry="html_to_text", recipe=(("<", 1),))
@example(entry="read", recipe=(("Regards,\n", 1),))  # ~10 s of CPU before the read was made linear and cut
@example(entry="read", recipe=(("Name: ", 1),))
@example(entry="read", recipe=((" ", 1),))  # a table's rule pattern was quadratic on a line of blanks
@example(entry="read", recipe=(("\n", 1),))
def test_a_megabyte_of_adversarial_text_is_read_well_inside_the_limit(worker, entry, recipe):
    call = ENTRY_POINTS[entry](tiled(recipe))
    try:
        worker.call(*call)
    except ReadFailed as failed:  # a parse limit (header lines, say) is a fine answer; a kill is not
        assert "over the CPU limit" not in failed.reason and "still reading" not in failed.reason
        assert "over the memory limit" not in failed.reason
