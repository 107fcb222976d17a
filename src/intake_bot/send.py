"""The SMTP edge: hands one finished message at a time to the configured server.

Every failure is one of two kinds, so the outbox knows what to do with the reply:
TemporaryFailure (4xx, refused, timeout, dropped: keep it queued, retry later) or
PermanentFailure (5xx for this message: record it for staff). The outbox itself lives elsewhere.
"""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from .config import SmtpSettings
from .errors import ConfigError, IntakeError, TransientError
from .oauth import access_token, xoauth2_response

log = logging.getLogger(__name__)

IDLE_CHECK_S = 10.0  # a connection unused this long is checked with NOOP before the next message


class TemporaryFailure(TransientError):
    """The server did not take the message now (4xx, unreachable, timeout, disconnect); retry later."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class PermanentFailure(IntakeError):
    """The server refused the message for good (5xx); retrying the same message will not help."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class SmtpSender:
    """One SMTP session, opened on first use and reused for every message sent through it."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.where = f"{settings.host}:{settings.port}"
        self._smtp: smtplib.SMTP | None = None
        self._last_used = 0.0

    def __enter__(self) -> SmtpSender:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def send(self, raw: bytes, mail_from: str, rcpt_to: list[str]) -> None:
        """Deliver `raw` as is; returns only once the server has accepted it."""
        if not rcpt_to:
            raise PermanentFailure("a message without recipients cannot be sent")
        smtp = self._connection()
        addresses = [mail_from, *rcpt_to]
        mail_options = []
        if any(not a.isascii() for a in addresses):
            if not smtp.has_extn("smtputf8"):
                raise PermanentFailure(f"SMTP server {self.where} cannot take non-ASCII addresses (SMTPUTF8)")
            mail_options.append("SMTPUTF8")
        if not raw.isascii() and smtp.has_extn("8bitmime"):
            mail_options.append("BODY=8BITMIME")
        with self._errors():
            refused = smtp.sendmail(mail_from, rcpt_to, raw, mail_options)
        self._last_used = time.monotonic()
        for rcpt, (code, reply) in refused.items():
            # Delivered to the others: failing the whole message would send it to them twice.
            log.warning("SMTP server %s refused recipient %s: %s %s", self.where, rcpt, code, _text(reply))

    def check(self) -> None:
        """Connect and log in without sending anything (`config check`)."""
        self._connection()

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None and time.monotonic() - self._last_used > IDLE_CHECK_S:
            try:  # servers drop idle sessions; find out now rather than halfway through a message
                self._smtp.noop()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
                self._smtp = None
        if self._smtp is None:
            self._smtp = self._connect()
            self._last_used = time.monotonic()
        return self._smtp

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context(cafile=s.ca_file)
        smtp: smtplib.SMTP
        with self._errors(connecting=True):
            if s.security == "ssl":
                smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            with self._errors(connecting=True):
                if smtp.sock is not None:  # without it, each message over TLS waits ~40 ms for ACKs
                    smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                smtp.ehlo()
                if s.security == "starttls":
                    if not smtp.has_extn("starttls"):
                        raise ConfigError(
                            f"SMTP server {self.where} does not offer STARTTLS (security = starttls)"
                        )
                    smtp.starttls(context=context)
                    smtp.ehlo()
                if s.username:
                    self._login(smtp)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _login(self, smtp: smtplib.SMTP) -> None:
        username = self.settings.username or ""
        token = access_token(
            self.settings.oauth2_token_file, self.settings.oauth2_token_command, self.settings.oauth2
        )
        try:
            if token is not None:
                # Initial response at once; on a refusal the server sends a JSON challenge, which
                # is answered with an empty line to get its final 535.
                smtp.auth(
                    "XOAUTH2",
                    lambda challenge=None: xoauth2_response(username, token) if challenge is None else "",
                    initial_response_ok=True,
                )
            else:
                smtp.login(username, self.settings.password.value() or "")
        except smtplib.SMTPAuthenticationError as exc:
            if 400 <= exc.smtp_code < 500:
                raise TemporaryFailure(f"SMTP server {self.where} cannot log in now: {_reply(exc)}") from exc
            raise ConfigError(f"SMTP login as {username} at {self.where} failed: {_reply(exc)}") from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise ConfigError(f"SMTP server {self.where} offers no AUTH, but a username is set") from exc

    @contextmanager
    def _errors(self, connecting: bool = False) -> Iterator[None]:
        try:
            yield
        except Exception as exc:
            self._drop()  # a fresh session for the next message beats guessing this one's state
            error = self._sort(exc, connecting)
            if error is None:
                raise
            raise error from exc

    def _sort(self, exc: Exception, connecting: bool) -> IntakeError | None:
        """Sort an smtplib or socket error into temporary or permanent (None: not ours to sort)."""
        if isinstance(exc, ssl.SSLCertVerificationError):
            return ConfigError(
                f"SMTP server {self.where}: certificate not trusted ({exc.verify_message}); set ca_file?"
            )
        if isinstance(exc, smtplib.SMTPRecipientsRefused):  # every recipient refused
            refused = exc.recipients.items()
            detail = "; ".join(f"{rcpt}: {code} {_text(msg)}" for rcpt, (code, msg) in refused)
            code = min(code for _, (code, _) in refused)  # any 4xx: worth another try
            return _by_code(code, f"SMTP server {self.where} refused the recipients: {detail}")
        if isinstance(exc, smtplib.SMTPResponseException):
            message = f"SMTP server {self.where} said {_reply(exc)}"
            if connecting:  # a 4xx/5xx greeting or EHLO is about the server, not the message: no code,
                return TemporaryFailure(message)  # so the outbox treats the server as unavailable
            return _by_code(exc.smtp_code, message)
        if isinstance(exc, smtplib.SMTPException | OSError):  # refused, timeout, disconnect, TLS failure
            return TemporaryFailure(f"SMTP server {self.where} unreachable: {exc or type(exc).__name__}")
        return None

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()


def _by_code(code: int, message: str) -> IntakeError:
    if 500 <= code < 600:
        return PermanentFailure(message, code)
    return TemporaryFailure(message, code)


def _reply(exc: smtplib.SMTPResponseException) -> str:
    return f"{exc.smtp_code} {_text(exc.smtp_error)}"


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())
