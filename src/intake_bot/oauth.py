"""OAuth 2.0 access tokens for XOAUTH2 logins (IMAP and SMTP), from a file or a command.

Google Workspace and Microsoft 365 mailboxes log in with a short-lived access token instead of a
password. Something outside intake-bot keeps it fresh (a token helper run by a timer, or a command
that prints a current token); intake-bot reads it at each login and never stores it.
"""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

from .errors import ConfigError


def access_token(token_file: str | None, token_command: str | None) -> str | None:
    """The current token, or None when neither is configured (then a password is used)."""
    if token_file:
        try:
            return Path(token_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"cannot read oauth2_token_file {token_file}: {exc}") from exc
    if token_command:
        return _token_from_command(token_command)
    return None


def _token_from_command(command: str) -> str:
    """Run the token helper. Its arguments and its output may hold a client secret or a refresh
    token, so a failure names only the program (and the exceptions are not chained: --debug
    would print them)."""
    try:  # run without a shell (quoting as in sh); a pipeline can be written as sh -c '...'
        argv = shlex.split(command)
    except ValueError:
        raise ConfigError("oauth2_token_command cannot be split into words (check its quoting)") from None
    name = Path(argv[0]).name if argv else "(empty)"
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        raise ConfigError(f"oauth2_token_command {name} took longer than 60 s") from None
    except (OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or type(exc).__name__
        raise ConfigError(f"oauth2_token_command {name} could not be run: {why}") from None
    if done.returncode != 0:
        raise ConfigError(f"oauth2_token_command {name} failed (exit status {done.returncode})")
    if not done.stdout.strip():
        raise ConfigError(f"oauth2_token_command {name} printed no token")
    return done.stdout.strip()


def xoauth2_response(username: str, token: str) -> str:
    """The XOAUTH2 initial client response (before base64), as Google and Microsoft document it."""
    return f"user={username}\x01auth=Bearer {token}\x01\x01"
