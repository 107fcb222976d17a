"""The SMTP edge against a real aiosmtpd server on loopback."""

from __future__ import annotations

import socket
from dataclasses import replace
from pathlib import Path

import pytest

from intake_bot.config import Secret
from intake_bot.errors import ConfigError
from intake_bot.send import PermanentFailure, SmtpSender, TemporaryFailure
from mailservers import SmtpSink

REPLY = (
    b"From: questions@cabforum.org\r\nTo: applicant@example.com\r\n"
    b"Subject: Re: Application\r\nMessage-ID: <reply-1@cabforum.org>\r\n\r\n"
    b".A line starting with a dot\r\nThanks.\r\n"
)


def send(sink: SmtpSink, raw: bytes = REPLY, **changes: object) -> None:
    with SmtpSender(sink.smtp_settings(**changes)) as sender:
        sender.send(raw, "questions@cabforum.org", ["applicant@example.com"])


def test_starttls_and_auth_delivery_is_recorded(smtp_sink: SmtpSink) -> None:
    send(smtp_sink)
    [got] = smtp_sink.messages
    assert got.mail_from == "questions@cabforum.org"
    assert got.rcpt_tos == ("applicant@example.com",)
    assert got.data == REPLY
    assert got.authenticated


@pytest.mark.parametrize("tls", ["ssl", None])
def test_implicit_tls_and_plain_delivery(mail_cert: tuple[Path, Path], tls: str | None) -> None:
    sink = SmtpSink(mail_cert, tls=tls, username="bot")
    sink.start()
    try:
        send(sink)
    finally:
        sink.stop()
    assert [(m.data, m.authenticated) for m in sink.messages] == [(REPLY, True)]


def test_one_session_sends_several_and_survives_a_refusal(smtp_sink: SmtpSink) -> None:
    with SmtpSender(smtp_sink.smtp_settings()) as sender:
        sender.send(REPLY, "questions@cabforum.org", ["a@example.com"])
        smtp_sink.mode = "tempfail"
        with pytest.raises(TemporaryFailure):
            sender.send(REPLY, "questions@cabforum.org", ["b@example.com"])
        smtp_sink.mode = "accept"
        sender.send(REPLY, "questions@cabforum.org", ["c@example.com", "d@example.com"])
    got = [m.rcpt_tos for m in smtp_sink.messages]
    assert got == [("a@example.com",), ("c@example.com", "d@example.com")]


def test_4xx_is_a_temporary_failure(smtp_sink: SmtpSink) -> None:
    smtp_sink.mode = "tempfail"
    with pytest.raises(TemporaryFailure, match="451") as caught:
        send(smtp_sink)
    assert caught.value.code == 451
    assert caught.value.exit_code == 75
    assert smtp_sink.messages == []


def test_5xx_is_a_permanent_failure(smtp_sink: SmtpSink) -> None:
    smtp_sink.mode = "permfail"
    with pytest.raises(PermanentFailure, match="554") as caught:
        send(smtp_sink)
    assert caught.value.code == 554
    assert smtp_sink.messages == []


def test_no_recipients_is_a_permanent_failure(smtp_sink: SmtpSink) -> None:
    with SmtpSender(smtp_sink.smtp_settings()) as sender, pytest.raises(PermanentFailure):
        sender.send(REPLY, "questions@cabforum.org", [])


def test_sink_down_is_a_temporary_failure(smtp_sink: SmtpSink) -> None:
    smtp_sink.stop()
    with pytest.raises(TemporaryFailure, match="unreachable"):
        send(smtp_sink)
    smtp_sink.start()  # same port: it is back
    send(smtp_sink)
    assert len(smtp_sink.messages) == 1


def test_wrong_password_is_a_config_error(smtp_sink: SmtpSink, tmp_path: Path) -> None:
    wrong = tmp_path / "password"
    wrong.write_text("wrong")
    with pytest.raises(ConfigError, match="SMTP login as questions@cabforum.org .* failed: 535"):
        send(smtp_sink, password=Secret(file=str(wrong)))


def test_untrusted_certificate_is_a_config_error(smtp_sink: SmtpSink) -> None:
    with pytest.raises(ConfigError, match="certificate not trusted"):
        send(smtp_sink, ca_file=None)


def test_starttls_required_but_not_offered(mail_cert: tuple[Path, Path]) -> None:
    sink = SmtpSink(mail_cert, tls=None)
    sink.start()
    try:
        with pytest.raises(ConfigError, match="does not offer STARTTLS"):
            send(sink, security="starttls")
    finally:
        sink.stop()
    assert sink.messages == []


def test_eight_bit_message_and_utf8_address(mail_cert: tuple[Path, Path]) -> None:
    sink = SmtpSink(mail_cert, tls="starttls")
    sink.start()
    raw = REPLY.replace(b"Thanks.", "Merci, René.".encode())
    try:
        with SmtpSender(sink.smtp_settings()) as sender:
            sender.send(raw, "questions@cabforum.org", ["rené@example.com"])
    finally:
        sink.stop()
    [got] = sink.messages
    assert got.rcpt_tos == ("rené@example.com",)
    assert got.data == raw


def test_silent_server_is_a_temporary_failure(smtp_sink: SmtpSink) -> None:
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts connections, never greets
        port = silent.getsockname()[1]
        with pytest.raises(TemporaryFailure, match="unreachable"):
            send(smtp_sink, port=port, timeout=0.3)


def test_xoauth2_login_with_a_token_from_a_file_or_a_command(smtp_sink: SmtpSink, tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("ya29.test-access-token\n")
    smtp_sink.oauth_token = "ya29.test-access-token"
    send(smtp_sink, password=Secret(), oauth2_token_file=str(token))
    send(smtp_sink, password=Secret(), oauth2_token_command="echo ya29.test-access-token")
    assert [got.authenticated for got in smtp_sink.messages] == [True, True]
    token.write_text("expired-token")
    with pytest.raises(ConfigError, match="SMTP login as questions@cabforum.org .* failed: 535"):
        send(smtp_sink, password=Secret(), oauth2_token_file=str(token))


def test_xoauth2_with_a_refreshed_token_cached_until_it_expires(
    smtp_sink: SmtpSink, token_endpoint, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """[oauth2]: the refresh token is traded for an access token at the token endpoint, which the
    SMTP server then takes; a second login uses the cached token; none of the secrets is logged."""
    import logging

    caplog.set_level(logging.DEBUG)
    oauth2 = token_endpoint.settings(tmp_path)
    smtp_sink.oauth_token = token_endpoint.access_token
    send(smtp_sink, password=Secret(), oauth2=oauth2)
    send(smtp_sink, password=Secret(), oauth2=oauth2)
    assert [got.authenticated for got in smtp_sink.messages] == [True, True]
    assert token_endpoint.requests == [
        {
            "grant_type": "refresh_token",
            "refresh_token": "SECRET-refresh",
            "client_id": "client-1",
            "client_secret": "SECRET-client",
        }
    ]
    assert "SECRET" not in caplog.text and token_endpoint.access_token not in caplog.text


def test_an_expired_access_token_is_refreshed(token_endpoint, tmp_path: Path) -> None:
    from intake_bot.oauth import REFRESH_EARLY, refreshed_token

    now = [1000.0]
    oauth2 = token_endpoint.settings(tmp_path)
    assert refreshed_token(oauth2, clock=lambda: now[0]) == "ya29.access-1"
    token_endpoint.access_token = "ya29.access-2"
    now[0] += 3600 - REFRESH_EARLY - 1
    assert refreshed_token(oauth2, clock=lambda: now[0]) == "ya29.access-1"  # still cached
    now[0] += 2
    assert refreshed_token(oauth2, clock=lambda: now[0]) == "ya29.access-2"
    assert len(token_endpoint.requests) == 2


def test_a_refused_or_unreachable_token_endpoint_says_so_without_secrets(
    token_endpoint, tmp_path: Path
) -> None:
    from intake_bot.errors import TransientError
    from intake_bot.oauth import refreshed_token

    oauth2 = token_endpoint.settings(tmp_path)
    token_endpoint.refresh_token = "SECRET-other"  # ours was revoked
    with pytest.raises(ConfigError) as refused:
        refreshed_token(oauth2)
    assert "refused the refresh token (invalid_grant" in str(refused.value)
    token_endpoint.status, token_endpoint.answer = 503, {"oops": 1}
    with pytest.raises(TransientError, match="failed \\(HTTP 503\\)") as failed:
        refreshed_token(oauth2)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        nowhere = f"https://127.0.0.1:{closed.getsockname()[1]}/token"
    with pytest.raises(
        TransientError, match="cannot reach the OAuth2 token endpoint 127.0.0.1"
    ) as unreachable:
        refreshed_token(replace(oauth2, token_url=nowhere))
    for error in (refused, failed, unreachable):
        assert "SECRET" not in str(error.value) and "client-1" not in str(error.value)
        chained = error.value.__cause__ or (not error.value.__suppress_context__ and error.value.__context__)
        assert not chained  # --debug prints a chained exception, and the request held the secrets
