"""OAuth 2.0 access tokens for XOAUTH2 logins (IMAP and SMTP): refreshed here, or from a file or
a command.

Google Workspace and Microsoft 365 mailboxes log in with a short-lived access token instead of a
password. With `[oauth2]` (and `oauth2 = true` in `[imap]`/`[smtp]`) intake-bot trades the
refresh token for an access token at the provider's token endpoint (RFC 6749 section 6, through
oauthlib) and keeps it in memory until shortly before it expires; else something outside keeps a
token fresh (a token helper run by a timer, or a command that prints one). Nothing here prints a
client secret, a refresh token or an access token: errors name the endpoint's host and the
OAuth error code only, and the libraries' debug logs (which show request bodies) are silenced.
"""

from __future__ import annotations

import hashlib
import logging
import shlex
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .config import OAuth2Settings
from .errors import ConfigError, TransientError

REFRESH_EARLY = 60.0  # seconds before expiry when a cached access token counts as expired
DEFAULT_LIFETIME = 3600  # an endpoint that does not say expires_in: the providers' usual hour
for _name in ("oauthlib", "requests_oauthlib", "urllib3"):
    logging.getLogger(_name).setLevel(logging.WARNING)  # their debug lines carry the secrets


@dataclass(frozen=True)
class _Cached:
    token: str
    expires: float  # time.monotonic()


_CACHE: dict[tuple[str, str], _Cached] = {}


def access_token(
    token_file: str | None, token_command: str | None, oauth2: OAuth2Settings | None = None
) -> str | None:
    """The current token, or None when none is configured (then a password is used)."""
    if oauth2 is not None:
        return refreshed_token(oauth2)
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


def refreshed_token(settings: OAuth2Settings, clock: Callable[[], float] = time.monotonic) -> str:
    """A current access token: the cached one until REFRESH_EARLY seconds before it expires, else
    a new one from the token endpoint."""
    client_id = _required(settings.client_id.value(), "client_id")
    refresh = _required(settings.refresh_token.value(), "refresh_token")
    key = (settings.token_url, hashlib.sha256(f"{client_id}\0{refresh}".encode()).hexdigest())
    cached = _CACHE.get(key)
    if cached is not None and clock() < cached.expires - REFRESH_EARLY:
        return cached.token
    token, lifetime = _refresh(settings, client_id, refresh)
    _CACHE[key] = _Cached(token, clock() + lifetime)
    return token


def _refresh(settings: OAuth2Settings, client_id: str, refresh: str) -> tuple[str, float]:
    """(access token, seconds it lives) for the refresh token. An endpoint that cannot be reached,
    or fails on its side, is a TransientError (exit 75: try again later); a refusal (a revoked
    refresh token, a wrong client) is a ConfigError: a person must act."""
    import requests  # here, not at the top: only a login with [oauth2] needs them
    from oauthlib.oauth2 import OAuth2Error, WebApplicationClient

    host = urlsplit(settings.token_url).hostname or settings.token_url
    client = WebApplicationClient(client_id)
    url, headers, body = client.prepare_refresh_token_request(
        settings.token_url,
        refresh_token=refresh,
        scope=settings.scope or None,
        client_id=client_id,
        client_secret=_required(settings.client_secret.value(), "client_secret"),
    )
    try:
        response = requests.post(
            url,
            data=body,
            headers=headers,
            timeout=settings.timeout,
            verify=settings.ca_file or True,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        raise TransientError(f"cannot reach the OAuth2 token endpoint {host}: {type(exc).__name__}") from None
    if response.status_code >= 500:
        raise TransientError(f"the OAuth2 token endpoint {host} failed (HTTP {response.status_code})")
    try:
        token = client.parse_request_body_response(response.text)
    except OAuth2Error as exc:
        why = f"{exc.error}: {exc.description}" if exc.description else exc.error
        raise ConfigError(
            f"the OAuth2 token endpoint {host} refused the refresh token ({why[:300]}); check [oauth2]"
            " (client id and secret, and a refresh token not revoked or expired)"
        ) from None
    except Warning as changed:  # the granted scopes differ from those asked: the token is still good
        token = changed.token  # type: ignore[attr-defined]
    except ValueError:
        raise TransientError(
            f"the OAuth2 token endpoint {host} answered HTTP {response.status_code} without a token"
        ) from None
    try:
        lifetime = float(token.get("expires_in") or DEFAULT_LIFETIME)
    except (TypeError, ValueError):
        lifetime = DEFAULT_LIFETIME
    return str(token["access_token"]), lifetime


def _required(value: str | None, key: str) -> str:
    if not value:
        raise ConfigError(f"[oauth2] {key} is empty")
    return value
