"""Shared pytest fixtures. Each group of fixtures lives in its own marked section."""

# ---- mail servers (tests/mailservers.py): dovecot, private_dovecot, imap_user, mail_cert, smtp_sink ----
# Real servers on loopback, no mocks. Without the dovecot binary the IMAP tests are skipped locally
# (run scripts/install-test-deps.sh) but fail under CI, where a skip would hide a missing install step.

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailservers import Dovecot, SmtpSink, TokenEndpoint, find_program, make_cert


def _dovecot() -> Iterator[Dovecot]:
    message = None
    if find_program("dovecot") is None:
        message = "dovecot is not installed: run scripts/install-test-deps.sh"
    elif os.geteuid() != 0:
        message = "the test Dovecot needs root (it runs mail processes as nobody)"
    if message and os.environ.get("CI"):
        pytest.fail(message)
    if message:
        pytest.skip(message)
    # Not tmp_path: pytest's dirs are closed to the uid Dovecot reads mail as.
    with tempfile.TemporaryDirectory(prefix="intake-dovecot-") as root:
        server = Dovecot(Path(root))
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """One Dovecot for the session (IMAP+STARTTLS and IMAPS); use imap_user for a fresh mailbox.

    Do not stop it in a test: use private_dovecot for that.
    """
    yield from _dovecot()


@pytest.fixture
def private_dovecot() -> Iterator[Dovecot]:
    """A Dovecot of this test's own, free to be stopped and started again (~60 ms)."""
    yield from _dovecot()


@pytest.fixture
def imap_user() -> str:
    """A user name nobody used before: an empty mailbox on any of the Dovecot fixtures."""
    return f"user-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def mail_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed (cert.pem, key.pem) for 127.0.0.1; cert.pem is the ca_file to trust."""
    return make_cert(tmp_path_factory.mktemp("cert"))


@pytest.fixture
def smtp_sink(mail_cert: tuple[Path, Path]) -> Iterator[SmtpSink]:
    """An SMTP server requiring STARTTLS and AUTH that records what it accepts.

    sink.smtp_settings() reaches it; sink.messages / sink.wait_for(n) show what arrived;
    sink.mode = "tempfail" | "permfail" makes it refuse DATA with 451 / 554.
    """
    sink = SmtpSink(mail_cert, tls="starttls", username="questions@cabforum.org")
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def token_endpoint(mail_cert: tuple[Path, Path]) -> Iterator[TokenEndpoint]:
    """An HTTPS OAuth 2.0 token endpoint on loopback (mailservers.TokenEndpoint); its cache is
    emptied before and after, so each test starts with no access token."""
    from intake_bot import oauth

    oauth._CACHE.clear()
    endpoint = TokenEndpoint(mail_cert)
    yield endpoint
    endpoint.stop()
    oauth._CACHE.clear()


# ---- end of mail servers ----


# ---- database (tests/databases.py): database_url ----
# SQLite by default; INTAKE_TEST_DB=postgresql runs the same tests on a private PostgreSQL cluster.

from databases import BACKEND, PostgresCluster  # noqa: E402


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster | None]:
    if BACKEND != "postgresql":
        yield None
        return
    cluster = PostgresCluster()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def new_database_url(postgres_cluster: PostgresCluster | None):
    """A function (directory) -> URL of a fresh, empty database, for fixtures wider than one test."""

    def make(directory: Path) -> str:
        if postgres_cluster is None:
            return f"sqlite:///{directory / 'intake.db'}"
        return postgres_cluster.new_database()

    return make


@pytest.fixture
def database_url(tmp_path: Path, new_database_url) -> str:
    """A fresh, empty database for this test, on the backend the run selected."""
    return new_database_url(tmp_path)


# ---- end of database ----


# ---- process state: main() sets a private umask; other tests (Dovecot's files) need the usual one ----


@pytest.fixture(autouse=True)
def _restore_umask() -> Iterator[None]:
    umask = os.umask(0o022)
    os.umask(umask)
    yield
    os.umask(umask)
