"""Shared helpers for the end-to-end and fault tests: a config in a test's folder and the real
`intake-bot` command run against it as a subprocess, as cron would (or in-process: `run_cli`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from mailservers import Dovecot, SmtpSink

BIN = Path(sys.executable).with_name("intake-bot")
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "applications"
KEYWORD = "$IntakeProcessed"
IMAP_PASSWORD_ENV = "INTAKE_TEST_IMAP_PASSWORD"
SMTP_PASSWORD_ENV = "INTAKE_TEST_SMTP_PASSWORD"


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`intake-bot ARGS` in this process (faster than a subprocess): exit code, stdout, stderr."""
    from intake_bot.cli import main

    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def smtp_section(sink: SmtpSink) -> list[str]:
    """The [smtp] lines reaching `sink`; its password by environment (SMTP_PASSWORD_ENV)."""
    smtp = sink.smtp_settings()
    return [
        "[smtp]",
        f'host = "{smtp.host}"',
        f"port = {smtp.port}",
        f'security = "{smtp.security}"',
        f'ca_file = "{smtp.ca_file}"',
        f'username = "{smtp.username}"',
        f'password_env = "{SMTP_PASSWORD_ENV}"',
        'from_address = "questions@cabforum.org"',
        "timeout = 5",
    ]


def write_config(
    directory: Path,
    dovecot: Dovecot,
    user: str,
    sink: SmtpSink | None,
    *,
    since: datetime | None = None,
    batch_size: int | None = None,
    security: str = "ssl",
    move_applications_to: str | None = None,
    imap_extra: str = "",
    extra: str = "",
    imap_timeout: int = 5,
    database_url: str | None = None,
) -> Path:
    """A config file reaching `dovecot` as `user` (and `sink`); passwords only by environment."""
    imap = dovecot.imap_settings(user, security)
    lines = [
        "[database]",
        f'url = "{database_url or "sqlite:///" + str(directory / "intake.db")}"',
        "[storage]",
        f'path = "{directory / "store"}"',
        "[imap]",
        f'host = "{imap.host}"',
        f"port = {imap.port}",
        f'security = "{security}"',
        f'ca_file = "{imap.ca_file}"',
        f'username = "{user}"',
        f'password_env = "{IMAP_PASSWORD_ENV}"',
        f"timeout = {imap_timeout}",
    ]
    if since is not None:
        lines.append(f'since = "{since.isoformat()}"')
    if batch_size is not None:
        lines.append(f"batch_size = {batch_size}")
    if move_applications_to is not None:
        lines.append(f'move_applications_to = "{move_applications_to}"')
    if imap_extra:
        lines.append(imap_extra)
    if sink is not None:
        lines += smtp_section(sink)
    if extra:  # further sections, e.g. "[intake]\nstaff_addresses = [...]"
        lines.append(extra)
    path = directory / "intake-bot.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


@dataclass
class Bot:
    """The installed `intake-bot` run against one config, as cron would run it."""

    config: Path
    env: dict[str, str]
    database_url: str

    @classmethod
    def make(
        cls, directory: Path, dovecot: Dovecot, user: str, sink: SmtpSink | None, **options: object
    ) -> Bot:
        env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
        env[IMAP_PASSWORD_ENV] = dovecot.password
        if sink is not None:
            env[SMTP_PASSWORD_ENV] = sink.password
        url = str(options.get("database_url") or f"sqlite:///{directory / 'intake.db'}")
        options["database_url"] = url
        return cls(write_config(directory, dovecot, user, sink, **options), env, url)  # type: ignore[arg-type]

    def argv(self, *args: str) -> list[str]:
        return [str(BIN), "--config", str(self.config), *args]

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.argv(*args), env=self.env, capture_output=True, text=True, timeout=timeout)

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.argv(*args), env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def ok(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = self.run(*args)
        assert done.returncode == 0, f"{args}: exit {done.returncode}\n{done.stderr}"
        return done

    def export(self) -> dict:
        return json.loads(self.ok("export", "--format", "json").stdout)

    def query(self, sql: str) -> list[tuple]:
        """Read (or, for a test's own purposes, change) the tracking database directly."""
        engine = create_engine(self.database_url)
        try:
            with engine.begin() as conn:
                result = conn.execute(text(sql))
                return [tuple(row) for row in result] if result.returns_rows else []
        finally:
            engine.dispose()


def server_flags(dovecot: Dovecot, user: str, folder: str = "INBOX") -> dict[int, set[str]]:
    """UID -> flags, without \\Recent (which only the first session to see a message gets)."""
    return {uid: found - {"\\Recent"} for uid, found in dovecot.flags(user, folder).items()}


def corpus_mail(case: str, name: str = "01.eml", **substitutions: str) -> bytes:
    path = CORPUS / case / name
    if not path.exists():
        pytest.skip(f"the dev corpus is absent ({CORPUS})")
    raw = path.read_bytes()
    for key, value in substitutions.items():
        raw = raw.replace(b"{{%s}}" % key.encode(), value.encode())
    return raw


def parse(raw: bytes) -> EmailMessage:
    return message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


def received_ids(sink: SmtpSink) -> Counter[str]:
    return Counter(str(parse(m.data)["Message-ID"]) for m in sink.messages)


def all_replies(export: dict) -> list[dict]:
    return [reply for app in export["applications"] for reply in app["replies"]]


def message_ids(export: dict) -> list[str]:
    ids = [m["message_id"] for app in export["applications"] for m in app["messages"]]
    return ids + [m["message_id"] for m in export["other_messages"]]
