"""Real mail servers for tests, on loopback: a throwaway Dovecot and an aiosmtpd sink.

No mocks: the code under test talks IMAP and SMTP to these servers over real sockets.
Facts behind the settings: shared/notes/mail-servers.md.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from imapclient import IMAPClient

from intake_bot.config import ImapSettings, Secret, SmtpSettings

# Debian puts the daemon in /usr/sbin, which a non-root PATH may lack.
_SBIN = "/usr/sbin:/usr/local/sbin:/sbin"


def find_program(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path=_SBIN)


def free_ports(count: int) -> list[int]:
    """Ports nobody listens on; held open together so the kernel cannot hand out one twice."""
    held: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            held.append(sock)
        return [sock.getsockname()[1] for sock in held]
    finally:
        for sock in held:
            sock.close()


def make_cert(directory: Path) -> tuple[Path, Path]:
    """A self-signed EC certificate for localhost and 127.0.0.1 (EC: ~15 ms, RSA ~450 ms)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    if not cert.exists():
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
            + ["-nodes", "-days", "2", "-subj", "/CN=localhost"]
            + ["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
            + ["-keyout", str(key), "-out", str(cert)],
            check=True,
            capture_output=True,
        )
    return cert, key


_CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
listen = 127.0.0.1
protocols = imap
default_internal_user = dovecot
default_login_user = dovenull
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2
auth_failure_delay = 0
login_greeting = {greeting}
mail_fsync = never
mail_location = maildir:~/Maildir
# Any user name logs in with the one password: a unique name is a fresh mailbox.
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={root}/mail/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
# No growing delay after failed logins (tests fail logins on purpose).
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
protocol imap {{
  mail_max_userip_connections = 200
}}
"""


class Dovecot:
    """One Dovecot instance under ROOT with its own ports; stop() and start() again keep the mail.

    ROOT and its parents must be open to others (uid nobody reads the mail): tempfile.mkdtemp(), not
    pytest's tmp_path.
    """

    password = "test-password"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.imap_port, self.imaps_port = free_ports(2)
        self.greeting = f"intake-test-{secrets.token_hex(8)}"
        self.config = root / "dovecot.conf"
        self._process: subprocess.Popen[bytes] | None = None
        self.ca_file, key = make_cert(root)
        # Dovecot's unprivileged processes must get in; pytest's tmp dirs (and their parents) are 0700.
        root.chmod(0o755)
        for parent in root.resolve().parents:
            if not parent.stat().st_mode & 0o001:
                raise RuntimeError(f"{parent} is closed to others: put the Dovecot root in /tmp")
        mail = root / "mail"
        mail.mkdir(exist_ok=True)
        shutil.chown(mail, "nobody", "nogroup")
        (root / "imap-password").write_text(self.password)
        self.config.write_text(
            _CONFIG.format(
                root=root,
                cert=self.ca_file,
                key=key,
                greeting=self.greeting,
                password=self.password,
                imap_port=self.imap_port,
                imaps_port=self.imaps_port,
            )
        )

    def start(self, timeout: float = 10.0) -> None:
        binary = find_program("dovecot")
        if binary is None:
            raise RuntimeError("dovecot is not installed (scripts/install-test-deps.sh)")
        # A master killed with SIGKILL leaves its pid file; were that pid reused, Dovecot would not start.
        (self.root / "run" / "master.pid").unlink(missing_ok=True)
        self._process = subprocess.Popen(
            [binary, "-F", "-c", str(self.config)],
            start_new_session=True,  # its own process group, so stop() reaches every child
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while not self._greets():
            if self._process.poll() is not None:
                raise RuntimeError(f"dovecot exited at start:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"dovecot did not greet within {timeout} s:\n{self.log_tail()}")
            time.sleep(0.01)

    def _greets(self) -> bool:
        # The random greeting proves it is this instance, not something else on the port.
        try:
            with socket.create_connection(("127.0.0.1", self.imap_port), timeout=1) as sock:
                return self.greeting.encode() in sock.recv(1024)
        except OSError:
            return False

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        # The whole group: logged-in imap processes would otherwise keep serving their clients.
        _signal_group(process.pid, signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=0.5)
        _signal_group(process.pid, signal.SIGKILL)
        process.wait()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def log_tail(self, lines: int = 20) -> str:
        log = self.root / "dovecot.log"
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""

    def imap_settings(self, user: str, security: str = "ssl", **changes: object) -> ImapSettings:
        """Settings that reach this server as `user`, trusting its certificate."""
        settings = ImapSettings(
            host="127.0.0.1",
            port=self.imaps_port if security == "ssl" else self.imap_port,
            security=security,
            ca_file=str(self.ca_file),
            username=user,
            password=Secret(file=str(self.root / "imap-password")),
            timeout=5.0,
        )
        return replace(settings, **changes)  # type: ignore[arg-type]

    @contextmanager
    def client(self, user: str) -> Iterator[IMAPClient]:
        """A logged-in imapclient on the plain port, for setting up and checking mailboxes."""
        client = IMAPClient("127.0.0.1", self.imap_port, ssl=False, timeout=5)
        try:
            client.login(user, self.password)
            yield client
        finally:
            try:
                client.logout()
            except Exception:  # the server may be gone by now
                client.shutdown()

    def append(
        self,
        user: str,
        raw: bytes,
        flags: Iterable[str] = (),
        internaldate: datetime | None = None,
        folder: str = "INBOX",
    ) -> int:
        """Put one message in the mailbox; returns its UID."""
        with self.client(user) as client:
            response = client.append(folder, raw, flags=tuple(flags), msg_time=internaldate)
        # Dovecot answers "[APPENDUID <uidvalidity> <uid>] Append completed."
        return int(response.split(b"]")[0].split()[-1])

    def flags(self, user: str, folder: str = "INBOX") -> dict[int, set[str]]:
        """UID -> flags (as str, e.g. "\\Seen"), read without changing anything."""
        with self.client(user) as client:
            client.select_folder(folder, readonly=True)
            uids = client.search(["ALL"])
            found = client.fetch(uids, ["FLAGS"]) if uids else {}
        return {uid: {_text(f) for f in data[b"FLAGS"]} for uid, data in found.items()}

    def doveadm(self, *args: str) -> subprocess.CompletedProcess[str]:
        doveadm = find_program("doveadm") or "doveadm"
        return subprocess.run(
            [doveadm, "-c", str(self.config), *args], check=True, capture_output=True, text=True
        )


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with suppress(ProcessLookupError):
        os.killpg(pid, sig)


def _text(flag: bytes | str) -> str:
    return flag.decode() if isinstance(flag, bytes) else flag


@dataclass(frozen=True)
class Received:
    """One message the sink accepted."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes
    authenticated: bool = False


class SmtpSink:
    """An aiosmtpd server on 127.0.0.1 that keeps what it accepts.

    tls: None, "starttls" or "ssl" (implicit TLS). With username set, AUTH is offered (and required
    with STARTTLS); Received.authenticated tells whether the client logged in.
    mode: "accept", "tempfail" (451 to DATA) or "permfail" (554 to DATA); settable any time.
    """

    def __init__(
        self,
        cert: tuple[Path, Path] | None = None,
        tls: str | None = None,
        username: str | None = None,
        password: str = "smtp-password",
    ) -> None:
        if tls and cert is None:
            raise ValueError("tls needs a certificate: cert=make_cert(dir)")
        self.cert = cert
        self.ca_file = cert[0] if cert else None
        self.tls = tls
        self.username = username
        self.password = password
        self.oauth_token: str | None = None  # set it to accept this XOAUTH2 access token
        self.port = free_ports(1)[0]
        self.mode = "accept"
        self._messages: list[Received] = []
        self._changed = threading.Condition()
        self._controller: Controller | None = None
        # Each AUTH logs "login_data is deprecated"; aiosmtpd's log is noise in test output.
        logging.getLogger("mail.log").setLevel(logging.CRITICAL)

    def start(self) -> None:
        context = None
        if self.cert:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*map(str, self.cert))
        options: dict[str, object] = {"enable_SMTPUTF8": True}
        if self.tls == "starttls":
            options.update(tls_context=context, require_starttls=True)
        elif self.tls == "ssl":
            options.update(ssl_context=context)
        if self.username:
            # aiosmtpd offers AUTH over implicit TLS only when not told to require STARTTLS, and warns
            # about requiring AUTH without STARTTLS: there, AUTH is offered and Received.authenticated tells.
            starttls = self.tls == "starttls"
            options.update(
                authenticator=self._authenticate, auth_required=starttls, auth_require_tls=starttls
            )
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port, **options)
        self._controller.start()

    def stop(self) -> None:
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    def smtp_settings(self, **changes: object) -> SmtpSettings:
        """Settings that reach this sink, trusting its certificate and logging in when it asks."""
        secret = Secret()
        if self.username:
            directory = self.cert[0].parent if self.cert else Path(os.environ.get("TMPDIR", "/tmp"))
            path = directory / f"smtp-password-{self.port}"
            path.write_text(self.password)
            secret = Secret(file=str(path))
        settings = SmtpSettings(
            host="127.0.0.1",
            port=self.port,
            security=self.tls or "none",
            ca_file=str(self.ca_file) if self.ca_file else None,
            username=self.username,
            password=secret,
            timeout=5.0,
        )
        return replace(settings, **changes)  # type: ignore[arg-type]

    @property
    def messages(self) -> list[Received]:
        with self._changed:
            return list(self._messages)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The accepted messages once there are at least `count` (fewer after `timeout`)."""
        with self._changed:
            self._changed.wait_for(lambda: len(self._messages) >= count, timeout)
            return list(self._messages)

    def _record(self, message: Received) -> None:
        with self._changed:
            self._messages.append(message)
            self._changed.notify_all()

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: object
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == self.username
            and auth_data.password.decode() == self.password
        )
        return AuthResult(success=ok, handled=False)


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        """XOAUTH2 as Google and Microsoft take it: base64 of user=U^Aauth=Bearer TOKEN^A^A; the
        token the sink accepts is its `oauth_token`."""
        import base64

        try:
            fields = dict(
                part.split("=", 1) for part in base64.b64decode(args[1]).decode().split("\x01") if "=" in part
            )
        except (IndexError, ValueError):
            return AuthResult(success=False, handled=False)
        ok = (
            self.sink.oauth_token is not None
            and fields.get("user") == self.sink.username
            and fields.get("auth") == f"Bearer {self.sink.oauth_token}"
        )
        return AuthResult(success=ok, handled=False)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.sink.mode == "tempfail":
            return "451 4.3.0 Try again later (test sink)"
        if self.sink.mode == "permfail":
            return "554 5.6.0 Message refused (test sink)"
        raw = envelope.original_content or b""
        who = bool(session.authenticated)
        self.sink._record(Received(envelope.mail_from or "", tuple(envelope.rcpt_tos), raw, who))
        return "250 2.0.0 OK"


# ---- an OAuth 2.0 token endpoint -------------------------------------------------------------------


class TokenEndpoint:
    """An HTTPS OAuth 2.0 token endpoint on loopback (RFC 6749 section 6): it trades the refresh
    token `refresh_token` of client `client_id`/`client_secret` for `access_token`, valid for
    `expires_in` seconds; `requests` holds each request's form fields. Set `status`/`answer` to
    make it fail."""

    def __init__(self, cert: tuple[Path, Path]) -> None:
        import json
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qsl

        self.client_id, self.client_secret, self.refresh_token = "client-1", "SECRET-client", "SECRET-refresh"
        self.access_token, self.expires_in = "ya29.access-1", 3600
        self.status: int | None = None  # an HTTP status to answer with instead of a token
        self.answer: dict | None = None
        self.requests: list[dict[str, str]] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode()))
                endpoint.requests.append(form)
                status, answer = endpoint.respond(form)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(cert[0]), str(cert[1]))
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.ca_file = cert[0]
        self.url = f"https://127.0.0.1:{self.server.server_address[1]}/token"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def respond(self, form: dict[str, str]) -> tuple[int, dict]:
        if self.status is not None:
            return self.status, self.answer or {}
        expected = {
            "grant_type": "refresh_token",
            "refresh_token": self.refresh_token,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
        }
        if any(form.get(k) != v for k, v in expected.items()):
            return 400, {"error": "invalid_grant", "description": "Token has been expired or revoked."}
        return 200, {"access_token": self.access_token, "token_type": "Bearer", "expires_in": self.expires_in}

    def settings(self, directory: Path, **changes: object):
        """[oauth2] settings reaching this endpoint; the client id and both secrets in files."""
        from intake_bot.config import OAuth2Settings

        def secret(key: str, value: str) -> Secret:
            path = directory / f"oauth2-{key}"
            path.write_text(value + "\n")
            return Secret(file=str(path), key=key)

        settings = OAuth2Settings(
            token_url=self.url,
            client_id=secret("client_id", self.client_id),
            client_secret=secret("client_secret", self.client_secret),
            refresh_token=secret("refresh_token", self.refresh_token),
            ca_file=str(self.ca_file),
            timeout=5.0,
        )
        return replace(settings, **changes)  # type: ignore[arg-type]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
