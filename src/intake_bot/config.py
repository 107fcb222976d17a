"""Settings from a TOML file, loaded once and passed down as frozen records.

Any problem is a ConfigError: one line naming the file and the key, exit code 2. A section or key
this code never looks up is a mistake (a misspelt `[databse]` must not quietly mean "the default
database"): the tables are read through `Table`, which remembers every key asked for, and whatever
the file holds beyond those is refused, naming the closest valid name.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ConfigError

if TYPE_CHECKING:
    from .items import Profile

DEFAULT_CONFIG = "intake-bot.toml"
SYSTEM_CONFIG = Path("/etc/intake-bot") / DEFAULT_CONFIG
SECURITY_MODES = ("ssl", "starttls", "none")


class BuiltInProfiles(Mapping[str, "Profile"]):
    """The built-in profiles (items.PROFILES), imported when a profile is first read: the item
    catalogue and the records behind it are a third of an idle poll's imports, and it reads none.
    Their names are known without it (a test holds NAMES to items.PROFILES)."""

    NAMES = ("SMCWG", "SCWG", "CSCWG")

    def __getitem__(self, name: str) -> Profile:
        return _built_in()[name]

    def __contains__(self, name: object) -> bool:
        return name in self.NAMES

    def __iter__(self) -> Iterator[str]:
        return iter(self.NAMES)

    def __len__(self) -> int:
        return len(self.NAMES)


def _built_in() -> Mapping[str, Profile]:
    from .items import PROFILES

    return PROFILES


@dataclass(frozen=True)
class EvidenceRules:
    """Which items each working group requires, and what evidence is accepted for them; defaults are
    the Forum's rules, configuration may override them."""

    profiles: Mapping[str, Profile] = field(default_factory=BuiltInProfiles)  # [profiles.NAME]
    ipr_cutover: date = date(2026, 6, 1)  # IPR Policy v1.4 took effect (ballot FORUM-037)
    ipr_current_versions: tuple[str, ...] = ("1.4",)  # accepted on or after the cut-over
    ipr_previous_versions: tuple[str, ...] = ("1.3", "1.4")  # accepted before it
    require_ipr_date: bool = True  # staff ask that the agreement be dated


@dataclass(frozen=True)
class Secret:
    """A password (or another secret: `key` names its keys) found through the environment or a
    file; never printed."""

    env: str | None = None
    file: str | None = None
    key: str = "password"

    def __repr__(self) -> str:
        return "Secret(***)"

    def value(self) -> str | None:
        if self.env:
            found = os.environ.get(self.env)
            if found is None:
                raise ConfigError(f"environment variable {self.env} ({self.key}_env) is not set")
            return found
        if self.file:
            try:
                return Path(self.file).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ConfigError(f"cannot read {self.key}_file {self.file}: {exc.strerror}") from exc
        return None


OAUTH2_PROVIDERS = {  # token endpoints of the presets; {tenant} is [oauth2] tenant
    "google": "https://oauth2.googleapis.com/token",
    "microsoft": "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
}


@dataclass(frozen=True)
class OAuth2Settings:
    """[oauth2]: the built-in refresh of XOAUTH2 access tokens (oauth.py), for the logins that
    say `oauth2 = true`. The client id, client secret and refresh token come from the environment
    or files, like passwords."""

    token_url: str
    client_id: Secret
    client_secret: Secret
    refresh_token: Secret
    scope: str = ""  # space-separated; Microsoft wants the IMAP and SMTP scopes named
    ca_file: str | None = None  # to trust a token endpoint's private CA; default: the system's
    timeout: float = 30.0


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    security: str = "ssl"
    ca_file: str | None = None
    username: str = ""
    password: Secret = field(default_factory=Secret)
    oauth2_token_file: str | None = None
    oauth2_token_command: str | None = None
    oauth2: OAuth2Settings | None = None  # `oauth2 = true`: tokens refreshed as [oauth2] says
    folder: str = "INBOX"
    since: datetime | None = None
    batch_size: int = 200
    timeout: float = 30.0
    processed_keyword: str = "$IntakeProcessed"
    move_applications_to: str | None = None


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str = "starttls"
    ca_file: str | None = None
    username: str | None = None
    password: Secret = field(default_factory=Secret)
    from_address: str = "questions@cabforum.org"
    timeout: float = 30.0
    oauth2_token_file: str | None = None  # XOAUTH2 (Google, Microsoft 365) instead of a password
    oauth2_token_command: str | None = None
    oauth2: OAuth2Settings | None = None  # `oauth2 = true`: tokens refreshed as [oauth2] says


@dataclass(frozen=True)
class Limits:
    """What one message may cost (parse.py, the worker) and how many replies go out ([limits])."""

    max_message_bytes: int = 40 * 1024 * 1024
    max_attachment_bytes: int = 30 * 1024 * 1024
    max_parts: int = 1000
    max_depth: int = 50
    max_header_bytes: int = 2 * 1024 * 1024  # the top-level header block
    max_text_chars: int = 1_000_000  # text and html beyond this are cut (a defect, not an error)
    max_seconds_per_message: int = 60  # CPU time, and wall-clock time plus a grace, in the worker
    max_memory_mb: int = 768  # each worker's address space (the parent's and the other workers' come on top)
    workers: int = 0  # processes reading mail ahead of the parent; 0: one per core
    max_replies_per_recipient_per_day: int = 10  # per mailbox: case and +tag do not count
    max_replies_per_domain_per_day: int = 50  # to all addresses at one domain together
    tnef_timeout: float = 10.0  # wall-clock seconds for the child that reads a winmail.dat (not configured)


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///intake.db"
    storage_path: Path = Path("attachments")
    imap: ImapSettings | None = None
    smtp: SmtpSettings | None = None
    from_address: str = "questions@cabforum.org"
    working_group: str = "SMCWG"
    templates_dir: Path | None = None
    limits: Limits = field(default_factory=Limits)
    trusted_authserv_ids: tuple[str, ...] = ()
    verify_dkim: bool = False  # a DKIM signature we verify (dkimpy) of the From domain counts as a DMARC pass
    staff_addresses: tuple[str, ...] = ()  # whole addresses or "@domain"; from_address counts too
    evidence_rules: EvidenceRules = field(default_factory=EvidenceRules)
    notify_address: str | None = None  # staff address told when an application becomes complete
    remind_after_days: int = 14  # 0: no reminders (and no dormancy)
    max_reminders: int = 2
    digest_to: str | None = None  # staff address `digest` writes to
    max_silence_minutes: int = 0  # `status --check` exits 3 after this long without a successful poll; 0: off
    source: Path | None = None  # the file these settings came from


def config_search_path() -> list[Path]:
    """Where a config file is looked for without --config and $INTAKE_BOT_CONFIG, first found wins."""
    user_dir = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return [Path(DEFAULT_CONFIG), user_dir / "intake-bot" / DEFAULT_CONFIG, SYSTEM_CONFIG]


def find_config(path: str | os.PathLike[str] | None) -> Path:
    """PATH, else $INTAKE_BOT_CONFIG, else the first file of the search path that exists."""
    explicit = path or os.environ.get("INTAKE_BOT_CONFIG")
    if explicit:
        if not Path(explicit).exists():
            raise ConfigError(f"config file {explicit} does not exist")
        return Path(explicit)
    searched = config_search_path()
    for candidate in searched:
        if candidate.exists():
            return candidate
    raise ConfigError(
        "no configuration found (looked in "
        + ", ".join(str(p) if p.is_absolute() else f"./{p}" for p in searched)
        + "); give one with --config PATH or $INTAKE_BOT_CONFIG (config.example.toml shows every key)"
    )


def load_settings(path: str | os.PathLike[str] | None) -> Settings:
    """Read the config file: PATH, else $INTAKE_BOT_CONFIG, else the search path (config_search_path)."""
    candidate = find_config(path)
    try:
        data = tomllib.loads(candidate.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {candidate}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{candidate}: not valid TOML: {exc}") from exc
    return settings_from_dict(data, candidate)


class Table(dict[str, Any]):
    """A TOML table that remembers which keys the code looked up (present or not)."""

    def __init__(self, data: dict[str, Any], name: str = "") -> None:
        super().__init__(data)
        self.name = name
        self.asked: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.asked.add(key)
        return super().__contains__(key)

    def __getitem__(self, key: str) -> Any:
        self.asked.add(key)
        return super().__getitem__(key)

    def unknown(self) -> list[str]:
        return [key for key in self if key not in self.asked]


def refuse_unknown(tables: list[Table], where: str) -> None:
    """The first key no reader asked for, as one line with the closest valid name."""
    for table in tables:
        for key in table.unknown():
            what = f"section [{key}]" if not table.name else f"key {key!r} in [{table.name}]"
            valid = sorted(table.asked - {"password"})  # an inline password is refused anyway
            close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else f"; valid: {', '.join(valid)}"
            if close and not table.name:
                hint = f"; did you mean [{close[0]}]?"
            raise ConfigError(f"{where}: unknown {what}{hint}")


def settings_from_dict(data: dict[str, Any], source: Path | None = None) -> Settings:
    where = str(source or "config")
    top = Table(data)
    settings = _settings(top, source, where)
    refuse_unknown(list(_tables(top)), where)
    _check_working_group(settings.working_group, list(settings.evidence_rules.profiles), where)
    return settings


def _tables(table: Table) -> Iterator[Table]:
    """TABLE and the tables read in it, at any depth ([profiles.SMCWG] in [profiles])."""
    yield table
    for value in dict.values(table):
        if isinstance(value, Table):
            yield from _tables(value)


def _check_working_group(name: str, known: list[str], where: str) -> None:
    if name not in known:
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ConfigError(f"{where}: [intake] working_group {name!r} is not one of {', '.join(known)}{hint}")


def _settings(data: Table, source: Path | None, where: str) -> Settings:
    base = source.parent if source else Path.cwd()
    db = _table(data, "database", where)
    storage = _table(data, "storage", where)
    replies = _table(data, "replies", where)
    intake = _table(data, "intake", where)
    oauth2 = _oauth2(_table(data, "oauth2", where), where) if "oauth2" in data else None
    smtp = _smtp(_table(data, "smtp", where), where, oauth2) if "smtp" in data else None
    from_address = (
        smtp.from_address if smtp else _str(replies, "from_address", where, "questions@cabforum.org")
    )
    templates = _str(replies, "templates_dir", where, "")
    monitoring = _table(data, "monitoring", where)
    # Watched by default wherever mail is polled: a poll failing every time must not go unnoticed.
    silence = _int(monitoring, "max_silence_minutes", where, 60 if "imap" in data else 0)
    return Settings(
        database_url=_sqlite_relative_to(_str(db, "url", where, "sqlite:///intake.db"), source),
        storage_path=_path(_str(storage, "path", where, "attachments"), base),
        imap=_imap(_table(data, "imap", where), where, oauth2) if "imap" in data else None,
        smtp=smtp,
        from_address=from_address,
        working_group=_str(intake, "working_group", where, "SMCWG"),
        templates_dir=_path(templates, base) if templates else None,
        limits=_limits(_table(data, "limits", where), where),
        trusted_authserv_ids=tuple(_list(intake, "trusted_authserv_ids", where)),
        verify_dkim=_bool(intake, "verify_dkim", where),
        staff_addresses=_staff_addresses(intake, where),
        evidence_rules=_evidence(_table(data, "evidence", where), _profiles(data, where), where),
        notify_address=_str(replies, "notify_staff", where, "") or None,
        remind_after_days=_int(replies, "remind_after_days", where, 14),
        max_reminders=_int(replies, "max_reminders", where, 2),
        digest_to=_str(replies, "digest_to", where, "") or None,
        max_silence_minutes=silence,
        source=source,
    )


def _imap(t: dict[str, Any], where: str, oauth2: OAuth2Settings | None = None) -> ImapSettings:
    security = _security(t, where, "ssl")
    return ImapSettings(
        host=_required(t, "host", "imap", where),
        port=_int(t, "port", where, 993 if security == "ssl" else 143),
        security=security,
        ca_file=_str(t, "ca_file", where, "") or None,
        username=_str(t, "username", where, ""),
        password=_secret(t, "imap", where),
        oauth2_token_file=_str(t, "oauth2_token_file", where, "") or None,
        oauth2_token_command=_str(t, "oauth2_token_command", where, "") or None,
        oauth2=_uses_oauth2(t, "imap", where, oauth2),
        folder=_str(t, "folder", where, "INBOX"),
        since=_since(t.get("since"), where),
        batch_size=_int(t, "batch_size", where, 200),
        timeout=float(_int(t, "timeout", where, 30)),
        processed_keyword=_str(t, "processed_keyword", where, "$IntakeProcessed"),
        move_applications_to=_str(t, "move_applications_to", where, "") or None,
    )


def _smtp(t: dict[str, Any], where: str, oauth2: OAuth2Settings | None = None) -> SmtpSettings:
    security = _security(t, where, "starttls")
    return SmtpSettings(
        host=_required(t, "host", "smtp", where),
        port=_int(t, "port", where, 465 if security == "ssl" else 587),
        security=security,
        ca_file=_str(t, "ca_file", where, "") or None,
        username=_str(t, "username", where, "") or None,
        password=_secret(t, "smtp", where),
        from_address=_str(t, "from_address", where, "questions@cabforum.org"),
        timeout=float(_int(t, "timeout", where, 30)),
        oauth2_token_file=_str(t, "oauth2_token_file", where, "") or None,
        oauth2_token_command=_str(t, "oauth2_token_command", where, "") or None,
        oauth2=_uses_oauth2(t, "smtp", where, oauth2),
    )


def _oauth2(t: dict[str, Any], where: str) -> OAuth2Settings:
    provider = _str(t, "provider", where, "")
    url = _str(t, "token_url", where, "")
    tenant = _str(t, "tenant", where, "organizations")
    if not url and provider not in OAUTH2_PROVIDERS:
        raise ConfigError(
            f"{where}: [oauth2] needs provider = {' or '.join(map(repr, OAUTH2_PROVIDERS))}, or a token_url"
        )
    url = url or OAUTH2_PROVIDERS[provider].format(tenant=tenant)
    if not url.startswith("https://"):
        raise ConfigError(f"{where}: [oauth2] token_url must be an https:// URL")

    def secret(key: str) -> Secret:
        if key in t:
            raise ConfigError(f"{where}: [oauth2] {key} must not be inline; use {key}_env or {key}_file")
        found = Secret(
            env=_str(t, f"{key}_env", where, "") or None,
            file=_str(t, f"{key}_file", where, "") or None,
            key=key,
        )
        if not (found.env or found.file):
            raise ConfigError(f"{where}: [oauth2] needs {key}_env or {key}_file")
        return found

    return OAuth2Settings(
        token_url=url,
        client_id=secret("client_id"),
        client_secret=secret("client_secret"),
        refresh_token=secret("refresh_token"),
        scope=_str(t, "scope", where, ""),
        ca_file=_str(t, "ca_file", where, "") or None,
        timeout=float(_int(t, "timeout", where, 30)),
    )


def _uses_oauth2(
    t: dict[str, Any], section: str, where: str, oauth2: OAuth2Settings | None
) -> OAuth2Settings | None:
    wanted = _bool(t, "oauth2", where)
    if wanted and oauth2 is None:
        raise ConfigError(
            f"{where}: [{section}] oauth2 = true needs an [oauth2] section (provider, client_id_env ...)"
        )
    return oauth2 if wanted else None


def _limits(t: dict[str, Any], where: str) -> Limits:
    d = Limits()
    return Limits(
        max_message_bytes=_int(t, "max_message_bytes", where, d.max_message_bytes),
        max_attachment_bytes=_int(t, "max_attachment_bytes", where, d.max_attachment_bytes),
        max_parts=_int(t, "max_parts", where, d.max_parts),
        max_depth=_int(t, "max_depth", where, d.max_depth),
        max_header_bytes=_int(t, "max_header_bytes", where, d.max_header_bytes),
        max_text_chars=_int(t, "max_text_chars", where, d.max_text_chars),
        max_seconds_per_message=_int(t, "max_seconds_per_message", where, d.max_seconds_per_message),
        max_memory_mb=_int(t, "max_memory_mb", where, d.max_memory_mb),
        workers=_int(t, "workers", where, d.workers),
        max_replies_per_recipient_per_day=_int(
            t, "max_replies_per_recipient_per_day", where, d.max_replies_per_recipient_per_day
        ),
        max_replies_per_domain_per_day=_int(
            t, "max_replies_per_domain_per_day", where, d.max_replies_per_domain_per_day
        ),
    )


def _evidence(t: dict[str, Any], profiles: Mapping[str, Profile], where: str) -> EvidenceRules:
    d = EvidenceRules()
    cutover = t.get("ipr_cutover", d.ipr_cutover)
    if isinstance(cutover, str):
        try:
            cutover = date.fromisoformat(cutover)
        except ValueError as exc:
            raise ConfigError(f"{where}: [evidence] ipr_cutover must be a date like 2026-06-01") from exc
    if not isinstance(cutover, date) or isinstance(cutover, datetime):
        raise ConfigError(f"{where}: [evidence] ipr_cutover must be a date like 2026-06-01")
    require_date = t.get("require_ipr_date", d.require_ipr_date)
    if not isinstance(require_date, bool):
        raise ConfigError(f"{where}: [evidence] require_ipr_date must be true or false")
    return EvidenceRules(
        profiles=profiles,
        ipr_cutover=cutover,
        ipr_current_versions=tuple(_list(t, "ipr_current_versions", where) or d.ipr_current_versions),
        ipr_previous_versions=tuple(_list(t, "ipr_previous_versions", where) or d.ipr_previous_versions),
        require_ipr_date=require_date,
    )


UNKNOWN_CATEGORY = "unknown"  # a profile's key for the items required while the category is unknown


def _profiles(data: Table, where: str) -> Mapping[str, Profile]:
    """The built-in profiles, with [profiles.NAME] tables changing them or adding working groups.

    A table's keys are categories (and `unknown`), each a list of item codes; the categories a
    built-in profile's table leaves out keep their items, those a new one leaves out take `unknown`'s.
    """
    section = _table(data, "profiles", where)
    if not section:
        return BuiltInProfiles()
    from .items import PROFILES
    from .records import Category

    profiles: dict[str, Profile] = dict(PROFILES)
    for name in list(section):
        if not name.isascii() or not name.isalnum() or not name.isupper():
            raise ConfigError(f"{where}: [profiles.{name}]: a working group is named in capitals and digits")
        t = _table(section, name, where)
        t.name = f"profiles.{name}"
        built_in = PROFILES.get(name, {})
        if not built_in and UNKNOWN_CATEGORY not in t:
            raise ConfigError(f"{where}: [profiles.{name}] is a new working group: it needs `unknown`")
        unknown = _item_codes(t, UNKNOWN_CATEGORY, where) or built_in[None]
        profile: dict[str | None, tuple[str, ...]] = {None: unknown}
        for category in Category:
            given = _item_codes(t, category.value, where)
            profile[category.value] = given or built_in.get(category.value) or unknown
        profiles[name] = profile
    return profiles


def _item_codes(t: Table, key: str, where: str) -> tuple[str, ...]:
    from .items import CATALOGUE

    codes = _list(t, key, where)
    for code in codes:
        if code not in CATALOGUE:
            close = difflib.get_close_matches(code, list(CATALOGUE), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; items: {', '.join(CATALOGUE)}"
            raise ConfigError(f"{where}: [{t.name}] {key}: unknown item {code!r}{hint}")
    if key in t and not codes:
        raise ConfigError(f"{where}: [{t.name}] {key}: an empty list would require nothing; leave it out")
    return tuple(codes)


def _staff_addresses(t: dict[str, Any], where: str) -> tuple[str, ...]:
    entries = [e.strip().lower() for e in _list(t, "staff_addresses", where)]
    for entry in entries:
        local, at, domain = entry.rpartition("@")
        if not at or not domain or "." not in domain or any(c.isspace() for c in entry):
            raise ConfigError(
                f"{where}: [intake] staff_addresses: {entry!r} is neither an address nor '@domain'"
            )
    return tuple(entries)


def _secret(t: dict[str, Any], section: str, where: str) -> Secret:
    if "password" in t:
        raise ConfigError(
            f"{where}: [{section}] password must not be inline; use password_env or password_file"
        )
    return Secret(
        env=_str(t, "password_env", where, "") or None, file=_str(t, "password_file", where, "") or None
    )


def _security(t: dict[str, Any], where: str, default: str) -> str:
    value = _str(t, "security", where, default)
    if value not in SECURITY_MODES:
        raise ConfigError(f"{where}: security must be one of {', '.join(SECURITY_MODES)}, not {value!r}")
    return value


def _since(value: Any, where: str) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise ConfigError(f"{where}: [imap] since must be a date like 2026-01-01, not {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _table(data: Table, name: str, where: str) -> Table:
    """The section NAME, read through a Table that is kept in DATA (so its unknown keys are found)."""
    value = data.get(name, {})
    if isinstance(value, Table):
        return value
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: [{name}] must be a table")
    table = Table(value, name)
    if name in data:
        dict.__setitem__(data, name, table)
    return table


def _required(t: dict[str, Any], key: str, section: str, where: str) -> str:
    value = _str(t, key, where, "")
    if not value:
        raise ConfigError(f"{where}: [{section}] {key} is required")
    return value


def _str(t: dict[str, Any], key: str, where: str, default: str) -> str:
    value = t.get(key, default)
    if not isinstance(value, str):
        raise ConfigError(f"{where}: {key} must be a string, not {type(value).__name__}")
    return value


def _int(t: dict[str, Any], key: str, where: str, default: int) -> int:
    value = t.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{where}: {key} must be a non-negative integer, not {value!r}")
    return value


def _bool(t: dict[str, Any], key: str, where: str, default: bool = False) -> bool:
    value = t.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: {key} must be true or false, not {value!r}")
    return value


def _list(t: dict[str, Any], key: str, where: str) -> list[str]:
    value = t.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key} must be a list of strings")
    return value


def _sqlite_relative_to(url: str, source: Path | None) -> str:
    """A relative SQLite path in a config file means: beside that file, like every other path."""
    prefix = "sqlite:///"
    rest = url[len(prefix) :]
    if source is None or not url.startswith(prefix) or not rest or rest.startswith(("/", ":memory:")):
        return url
    return prefix + str(source.parent.resolve() / rest)


def _path(value: str, base: Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path
