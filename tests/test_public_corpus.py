"""Every message of the public robustness corpus (../shared/corpus/public) through the real pipeline.

780 real-world messages from public test suites: bounces, auto-replies, charsets, malformed MIME,
forwards. None is a membership application, so none may open one or be answered (each would be
a reply to a stranger). The corpus lives beside the project, not in it (see its NOTICE.md); where
it is absent the tests skip, saying so.
"""

from __future__ import annotations

import email.policy
import time
from collections import Counter
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import func, select

from intake_bot.classify import classify
from intake_bot.config import Settings
from intake_bot.errors import LimitExceeded, ParseError
from intake_bot.parse import parse_email
from intake_bot.pipeline import Incoming, Pipeline
from intake_bot.records import Disposition
from intake_bot.store.db import open_database
from intake_bot.store.schema import Application, Reply, StoredMessage

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "public"
AUTOMATED = {
    Disposition.BOUNCE,
    Disposition.AUTO_REPLY,
    Disposition.MAILING_LIST,
    Disposition.SPAM,
}

pytestmark = pytest.mark.skipif(
    not (CORPUS / "index.tsv").is_file(),
    reason=f"public corpus not found at {CORPUS} (a copy of shared/ beside the project)",
)


def corpus_index() -> list[tuple[str, set[str]]]:
    """(relative path, tags) for every file listed in index.tsv; none when the corpus is absent."""
    index = CORPUS / "index.tsv"
    if not index.is_file():  # read at collection time: the skip mark above says why
        return []
    rows = []
    for line in index.read_text(encoding="utf-8").splitlines():
        if line.strip():
            name, _size, _repo, tags = line.split("\t")
            rows.append((name, set(tags.split(","))))
    return rows


def messages() -> list[tuple[str, set[str]]]:
    return [(name, tags) for name, tags in corpus_index() if not name.endswith(".tnef")]


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory, new_database_url):
    """One pipeline, one database, the whole corpus in index order."""
    root = tmp_path_factory.mktemp("corpus")
    settings = Settings(database_url=new_database_url(root), storage_path=root / "blobs")
    db = open_database(settings.database_url)
    pipeline = Pipeline(settings, db)
    outcomes, crashes = {}, []
    started = time.monotonic()
    for name, _tags in messages():
        try:
            outcomes[name] = pipeline.process(Incoming(raw=(CORPUS / name).read_bytes()))
        except Exception as exc:  # the assertion below names every one
            crashes.append(f"{name}: {type(exc).__name__}: {exc}")
    return db, outcomes, crashes, time.monotonic() - started


def test_the_corpus_is_complete():
    names = [name for name, _ in corpus_index()]
    assert len(messages()) >= 780
    missing = [name for name in names if not (CORPUS / name).is_file()]
    assert not missing


def test_no_message_crashes_the_pipeline(corpus_run):
    _db, _outcomes, crashes, elapsed = corpus_run
    assert not crashes


def test_every_message_is_accounted_for(corpus_run):
    db, outcomes, _crashes, _elapsed = corpus_run
    assert set(outcomes) == {name for name, _ in messages()}
    with db.transaction() as s:
        rows = {row.id: row for row in s.scalars(select(StoredMessage))}
        for name, outcome in outcomes.items():
            row = rows.get(outcome.message_row_id)
            assert row is not None, f"{name}: no row in the messages table"
            assert row.disposition == outcome.disposition
            assert row.reason, f"{name}: {row.disposition} without a reason"
            assert row.raw_sha256, f"{name}: raw bytes not kept"
        assert len(rows) == len(outcomes)
    print("corpus dispositions:", dict(Counter(str(o.disposition) for o in outcomes.values())))


def test_no_application_and_no_reply(corpus_run):
    db, outcomes, _crashes, _elapsed = corpus_run
    opened = {n: o.reference for n, o in outcomes.items() if o.reference or o.reply_kind}
    assert not opened
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Application)) == 0
        assert s.scalar(select(func.count()).select_from(Reply)) == 0


def test_bounces_and_auto_replies_end_automated(corpus_run):
    _db, outcomes, _crashes, _elapsed = corpus_run
    allowed = AUTOMATED | {Disposition.DUPLICATE, Disposition.QUARANTINED}
    wrong = {
        name: f"{outcomes[name].disposition}: {outcomes[name].reason}"
        for name, tags in messages()
        if tags & {"bounce", "autoreply"} and outcomes[name].disposition not in allowed
    }
    assert not wrong


@pytest.mark.parametrize(
    "name", [n for n, tags in messages() if tags & {"bounce", "autoreply"}], ids=lambda n: n
)
def test_each_bounce_and_auto_reply_is_classified_automated(name):
    """Directly, not only through the pipeline (where a repeat is a duplicate before it is classified)."""
    try:
        parsed = parse_email((CORPUS / name).read_bytes())
    except (ParseError, LimitExceeded):
        return  # quarantined: never answered either
    verdict = classify(parsed, frozenset({"questions@cabforum.org"}))
    assert verdict.automated, verdict.reason


@pytest.mark.parametrize("name", [n for n, _ in corpus_index() if n.endswith(".tnef")], ids=lambda n: n)
def test_each_winmail_dat_is_unpacked_or_kept(name):
    """The bare TNEF files, sent as Outlook sends them: the .dat is kept, what it holds is added."""
    payload = (CORPUS / name).read_bytes()
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = "Alice <alice@example-trust.test>"
    msg["To"] = "questions@cabforum.org"
    msg["Subject"] = "winmail"
    msg.set_content("See attached.")
    msg.add_attachment(payload, maintype="application", subtype="ms-tnef", filename="winmail.dat")
    parsed = parse_email(msg.as_bytes())
    assert parsed.attachments[0].filename == "winmail.dat"
    assert parsed.attachments[0].payload == payload
    for att in parsed.attachments[1:]:
        assert "/" not in att.filename and att.size == len(att.payload)
