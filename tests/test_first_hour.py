"""The first hour of a new operator and a new staff member, through the command line: exit codes, the
first line of stderr, and what is left on disk."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import run_cli

BIN = Path(sys.executable).with_name("intake-bot")


def cli(capsys, *args: str) -> tuple[int, str, str]:
    return run_cli(capsys, *args)


def first_line(err: str) -> str:
    return (err.strip().splitlines() or [""])[0]


def tree(root: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(root)): p.read_bytes() if p.is_file() else None for p in root.rglob("*")}


@pytest.fixture(autouse=True)
def _no_config_from_outside(monkeypatch):
    monkeypatch.delenv("INTAKE_BOT_CONFIG", raising=False)


# -- the demo's folder ---------------------------------------------------------------------------


def test_demo_refuses_a_folder_it_did_not_make_and_leaves_it_untouched(capsys, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "intake.db").write_bytes(b"a real database")
    (folder / "intake-bot.toml").write_text("[database]\n")
    before = tree(folder)
    code, out, err = cli(capsys, "demo", "--dir", str(folder))
    assert code == 2
    assert first_line(err).startswith("intake-bot: demo: ") and "not empty" in first_line(err)
    assert tree(folder) == before


def test_demo_refuses_a_file(capsys, tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("keep me")
    code, _, err = cli(capsys, "demo", "--dir", str(target))
    assert code == 2 and "not a folder" in first_line(err)
    assert target.read_text() == "keep me"


def test_demo_runs_again_in_its_own_folder_and_keeps_what_a_person_added(capsys, tmp_path):
    folder = tmp_path / "demo"
    assert cli(capsys, "demo", "--dir", str(folder))[0] == 0
    (folder / "my-notes.txt").write_text("mine")
    code, out, err = cli(capsys, "demo", "--dir", str(folder))
    assert code == 0, err
    assert "SMCWG-2026-0001" in out and "SMCWG-2026-0004" not in out  # a fresh database, not a second import
    assert (folder / "my-notes.txt").read_text() == "mine"
    assert (folder / ".intake-bot-demo").is_file()


def test_demo_uses_an_empty_folder(capsys, tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    assert cli(capsys, "demo", "--dir", str(folder))[0] == 0
    assert (folder / "intake.db").is_file()


# -- configuration -------------------------------------------------------------------------------


def write_config(tmp_path: Path, text: str, name: str = "intake-bot.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('[databse]\nurl = "sqlite:///x.db"\n', "unknown section [databse]; did you mean [database]?"),
        ('[smpt]\nhost = "h"\n', "unknown section [smpt]; did you mean [smtp]?"),
        (
            '[smtp]\nhost = "h"\npasword_env = "P"\n',
            "unknown key 'pasword_env' in [smtp]; did you mean 'password_env'?",
        ),
        (
            '[smtp]\nhost = "h"\nfrom_adress = "a@b.test"\n',
            "unknown key 'from_adress' in [smtp]; did you mean 'from_address'?",
        ),
        (
            '[intake]\nworking_group = "SMCW"\n',
            "[intake] working_group 'SMCW' is not one of SMCWG, SCWG, CSCWG; did you mean 'SMCWG'?",
        ),
    ],
)
@pytest.mark.parametrize("command", [("status",), ("config", "check"), ("export",), ("ingest", "-")])
def test_a_misspelt_config_is_refused_by_every_command(capsys, tmp_path, text, says, command):
    config = write_config(tmp_path, text)
    code, out, err = cli(capsys, "--config", str(config), *command)
    assert code == 2
    assert first_line(err) == f"intake-bot: {config}: {says}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["intake-bot.toml"]  # no database made


def test_the_example_config_has_only_known_keys():
    from intake_bot.config import load_settings

    example = Path(__file__).resolve().parents[1] / "config.example.toml"
    settings = load_settings(example)
    assert settings.database_url.startswith("sqlite:////var/lib/intake-bot/")
    assert str(settings.storage_path).startswith("/var/lib/intake-bot/")


def test_config_is_found_on_the_search_path(capsys, tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    code, _, err = cli(capsys, "status")
    assert code == 2
    assert first_line(err) == (
        "intake-bot: no configuration found (looked in ./intake-bot.toml, "
        f"{home}/.config/intake-bot/intake-bot.toml, /etc/intake-bot/intake-bot.toml); "
        "give one with --config PATH or $INTAKE_BOT_CONFIG (config.example.toml shows every key)"
    )
    user = home / ".config" / "intake-bot"
    user.mkdir(parents=True)
    write_config(user, f'[database]\nurl = "sqlite:///{tmp_path}/user.db"\n')
    assert cli(capsys, "db", "upgrade")[0] == 0
    assert (tmp_path / "user.db").exists()
    write_config(tmp_path, f'[database]\nurl = "sqlite:///{tmp_path}/here.db"\n')  # ./intake-bot.toml wins
    assert cli(capsys, "db", "upgrade")[0] == 0
    assert (tmp_path / "here.db").exists()
    chosen = write_config(tmp_path, f'[database]\nurl = "sqlite:///{tmp_path}/env.db"\n', "chosen.toml")
    monkeypatch.setenv("INTAKE_BOT_CONFIG", str(chosen))  # $INTAKE_BOT_CONFIG wins over the search path
    assert cli(capsys, "db", "upgrade")[0] == 0
    assert (tmp_path / "env.db").exists()
    code, _, err = cli(capsys, "--config", str(tmp_path / "nowhere.toml"), "status")  # and --config over it
    assert (
        code == 2 and first_line(err) == f"intake-bot: config file {tmp_path / 'nowhere.toml'} does not exist"
    )


@pytest.mark.parametrize(
    "command",
    [
        ("status",),
        ("show", "SMCWG-2026-0001"),
        ("export",),
        ("quarantine",),
        ("note", "SMCWG-2026-0001", "x"),
        ("inbox",),
        ("attachment", "SMCWG-2026-0001", "logo.png", "-o", "-"),
        ("set", "SMCWG-2026-0001", "organization_name", "X"),
        ("unset", "SMCWG-2026-0001", "organization_name"),
        ("approve", "SMCWG-2026-0001"),
        ("preview", "SMCWG-2026-0001"),
        ("resend", "SMCWG-2026-0001"),
        ("reprocess", "SMCWG-2026-0001"),
        ("requeue", "1"),
        ("open", "1"),
        ("accept", "1"),
        ("remind",),
        ("digest",),
    ],
)
def test_staff_commands_do_not_create_a_database(capsys, tmp_path, command):
    config = write_config(tmp_path, '[database]\nurl = "sqlite:///intake.db"\n[smtp]\nhost = "127.0.0.1"\n')
    code, _, err = cli(capsys, "--config", str(config), *command)
    assert code == 2
    assert first_line(err) == (
        f"intake-bot: no database at {tmp_path / 'intake.db'}; run `intake-bot db upgrade` (or check [database] url)"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["intake-bot.toml"]


def test_a_missing_database_folder_is_never_created(capsys, tmp_path):
    config = write_config(tmp_path, '[database]\nurl = "sqlite:///data/intake.db"\n')
    mail = tmp_path / "m.eml"
    mail.write_bytes(b"From: a@b.test\r\nSubject: hi\r\n\r\nhello\r\n")
    for command in (("db", "upgrade"), ("ingest", str(mail))):
        code, _, err = cli(capsys, "--config", str(config), *command)
        assert code == 2
        assert first_line(err) == (
            f"intake-bot: the folder of the database {tmp_path / 'data' / 'intake.db'} does not exist;"
            " create it (intake-bot never does) or correct [database] url"
        )
    assert not (tmp_path / "data").exists()
    code, out, _ = cli(capsys, "--config", str(config), "config", "check")
    assert code == 2 and "database  FAIL  the folder of the database" in out


def test_a_missing_storage_folder_parent_is_never_created(capsys, tmp_path):
    misspelt = tmp_path / "intak-bot" / "store"
    config = write_config(
        tmp_path, f'[database]\nurl = "sqlite:///intake.db"\n[storage]\npath = "{misspelt}"\n'
    )
    mail = tmp_path / "m.eml"
    mail.write_bytes(b"From: a@b.test\r\nSubject: hi\r\n\r\nhello\r\n")
    code, _, err = cli(capsys, "--config", str(config), "ingest", str(mail))
    assert code == 2
    assert first_line(err) == (
        f"intake-bot: the storage folder {misspelt} cannot be made:"
        f" {tmp_path / 'intak-bot'} does not exist; create it (intake-bot never does) or correct [storage] path"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["intake-bot.toml", "m.eml"]  # nor a database


# -- errors: one line, the right code ---------------------------------------------------------------


@pytest.mark.parametrize(
    "command", [("status",), ("show", "SMCWG-2026-0001"), ("export",), ("db", "upgrade"), ("ingest", "-")]
)
def test_a_damaged_database_file_is_named_with_what_to_do(capsys, tmp_path, command):
    config = write_config(tmp_path, '[database]\nurl = "sqlite:///intake.db"\n')
    damaged = tmp_path / "intake.db"
    damaged.write_bytes(b"this is not SQLite " * 400)
    code, _, err = cli(capsys, "--config", str(config), *command)
    assert code == 1
    assert first_line(err) == (
        f"intake-bot: database file {damaged} is damaged (file is not a database); restore it from a backup"
    )
    assert len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["intake-bot.toml", "intake.db"]


def test_a_postgresql_url_without_its_driver(capsys, tmp_path):
    config = write_config(tmp_path, '[database]\nurl = "postgresql+pg8000://intake@127.0.0.1/intake"\n')
    code, _, err = cli(capsys, "--config", str(config), "status")
    assert code == 2
    assert first_line(err).startswith(
        "intake-bot: [database] url postgresql+pg8000://intake@127.0.0.1/intake needs a driver"
    )
    assert first_line(err).endswith("pip install 'intake-bot[postgres]' and use postgresql+psycopg://")


def test_an_unreachable_database_is_a_temporary_failure(capsys, tmp_path):
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    config = write_config(
        tmp_path, f'[database]\nurl = "postgresql+psycopg://intake@127.0.0.1:{port}/intake"\n'
    )
    code, _, err = cli(capsys, "--config", str(config), "status")
    assert code == 75
    assert first_line(err).startswith(
        f"intake-bot: cannot reach database postgresql+psycopg://intake@127.0.0.1:{port}/intake: "
    )
    assert len(err.strip().splitlines()) == 1


def test_a_locked_database_is_a_temporary_failure(capsys, tmp_path):
    """Another process holds SQLite's write lock past the wait (`?timeout=` seconds, 30 unless the
    URL says): the command gives up with one line and 75, for cron or systemd to try again."""
    import sqlite3

    from mails import make_mail

    database = tmp_path / "intake.db"
    config = write_config(tmp_path, f'[database]\nurl = "sqlite:///{database}?timeout=0.2"\n')
    assert cli(capsys, "--config", str(config), "db", "upgrade")[0] == 0
    mail = tmp_path / "app.eml"
    mail.write_bytes(make_mail())
    holder = sqlite3.connect(database, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        for command in (("note", "SMCWG-2026-0001", "hello"), ("ingest", str(mail))):
            code, _, err = cli(capsys, "--config", str(config), *command)
            assert code == 75, (command, err)
            assert first_line(err) == (
                f"intake-bot: database {database} is locked by another process (database is locked);"
                " try again later"
            )
            assert len(err.strip().splitlines()) == 1
    finally:
        holder.close()
    assert (
        cli(capsys, "--config", str(config), "note", "SMCWG-2026-0001", "hello")[0] == 2
    )  # no such application


def test_a_global_option_after_the_command(capsys, tmp_path):
    code, _, err = cli(capsys, "status", "--config", "x.toml")
    assert code == 2
    assert (
        first_line(err)
        == "intake-bot: --config is a global option: give it before the command (intake-bot --config ... status ...)"
    )


def test_usage_errors_are_in_the_same_style(capsys):
    code, _, err = cli(capsys, "show")
    assert code == 2 and first_line(err) == "intake-bot: missing argument 'REFERENCE'."


# -- reading needs no writing ---------------------------------------------------------------------

READERS = [
    ("status",),
    ("show", "SMCWG-2026-0001"),
    ("export",),
    ("attachment", "SMCWG-2026-0001", "logo.png", "-o", "/dev/null"),
    ("inbox",),
    ("quarantine",),
]


@pytest.fixture
def shared_database():
    """A database made by its owner (root), in folders others may read, as staff in a group see it."""
    import shutil
    import stat
    import tempfile

    from mails import make_mail

    root = Path(tempfile.mkdtemp(prefix="intake-shared-", dir="/tmp"))
    try:
        config = write_config(
            root, f'[database]\nurl = "sqlite:///{root}/intake.db"\n[storage]\npath = "{root}/store"\n'
        )
        mail = root / "app.eml"
        mail.write_bytes(make_mail(attachments=[("logo.png", "image/png", b"\x89PNG\r\n\x1a\nfake")]))
        subprocess.run([str(BIN), "--config", str(config), "ingest", str(mail)], check=True, timeout=60)
        mail.unlink()
        for path in [root, *root.rglob("*")]:
            path.chmod(path.stat().st_mode | stat.S_IRGRP | stat.S_IROTH | (0o055 if path.is_dir() else 0))
        yield root, config
    finally:
        shutil.rmtree(root)


def test_the_owner_reads_without_leaving_files(shared_database):
    root, config = shared_database
    before = sorted(p.name for p in root.iterdir())
    for command in READERS:
        done = subprocess.run([str(BIN), "--config", str(config), *command], capture_output=True, timeout=60)
        assert done.returncode == 0, (command, done.stderr)
    assert sorted(p.name for p in root.iterdir()) == before
    assert not any(name.endswith(("-wal", "-shm", "-journal")) for name in before)


@pytest.mark.skipif(
    os.geteuid() != 0 or not Path("/usr/bin/setpriv").exists(),
    reason="needs root and setpriv to run as another user",
)
def test_someone_who_may_only_read_the_database_can_use_every_reading_command(shared_database):
    root, config = shared_database
    before = tree(root)
    as_nobody = [
        "setpriv",
        "--reuid=nobody",
        "--regid=nogroup",
        "--clear-groups",
        str(BIN),
        "--config",
        str(config),
    ]
    for command in READERS:
        done = subprocess.run([*as_nobody, *command], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (command, done.stderr)
        assert "SMCWG-2026-0001" in done.stdout or command[0] in ("quarantine", "attachment", "inbox")
    assert tree(root) == before


# -- staff commands check what they are given ----------------------------------------------------------


@pytest.fixture
def staff(capsys, tmp_path, database_url):
    """cli() on a database holding one application (SQLite or PostgreSQL, as the suite runs)."""
    from mails import make_mail

    config = write_config(
        tmp_path, f'[database]\nurl = "{database_url}"\n[storage]\npath = "{tmp_path / "st"}"\n'
    )
    mail = tmp_path / "app.eml"
    mail.write_bytes(make_mail(attachments=[("logo.png", "image/png", b"\x89PNG\r\n\x1a\nfake")]))
    assert cli(capsys, "--config", str(config), "ingest", str(mail))[0] == 0

    def run(*args: str) -> tuple[int, str, str]:
        return cli(capsys, "--config", str(config), *args)

    run.database_url = database_url  # type: ignore[attr-defined]
    return run


def fields_of(staff) -> dict:
    return json.loads(staff("export")[1])["applications"][0]


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        (
            "emergency_contact",
            '"just a string"',
            'emergency_contact must be a JSON object {"name": text|null, "email": address|null, "phone": text|null}, not "just a string"',
        ),
        (
            "ipr_agreement",
            "true",
            'ipr_agreement must be a JSON object {"filename": text, "sha256": hex digits, "size": bytes}, not true',
        ),
        (
            "representatives",
            '[{"email": "not an address"}]',
            "representatives: entry 1's email 'not an address' is not an e-mail address",
        ),
        ("representatives", "{}", "representatives must be a non-empty JSON list"),
        (
            "website_url",
            "not a url",
            'website_url must be a web address like https://www.example.com, not "not a url"',
        ),
        (
            "organization_name",
            "",
            "an empty organization_name would hide what the applicant sent; remove a correction with `intake-bot unset REF organization_name`",
        ),
        (
            "category",
            "bogus",
            "category must be one of certificate_issuer, certificate_consumer, interested_party, associate_member, not 'bogus'",
        ),
        ("organisation_name", "x", "unknown field 'organisation_name'; did you mean 'organization_name'?"),
    ],
)
def test_set_refuses_values_of_the_wrong_shape(staff, field, value, says):
    before = fields_of(staff)
    code, _, err = staff("set", "SMCWG-2026-0001", field, value)
    assert code == 2
    assert first_line(err).startswith(f"intake-bot: {says}")
    assert fields_of(staff) == before


def test_set_normalises_like_the_reader_and_unset_removes_the_correction(staff):
    extracted = fields_of(staff)["website_url"]
    assert staff("set", "SMCWG-2026-0001", "website_url", "WWW.Example-Trust.TEST/about")[0] == 0
    assert fields_of(staff)["website_url"] == "https://www.example-trust.test/about"
    code, _, _ = staff("set", "SMCWG-2026-0001", "emergency_contact", '{"email": "SOC@Example-Trust.test"}')
    assert code == 0
    assert fields_of(staff)["emergency_contact"] == {
        "name": None,
        "email": "soc@example-trust.test",
        "phone": None,
    }
    code, out, _ = staff("unset", "SMCWG-2026-0001", "website_url")
    assert code == 0 and out.startswith("SMCWG-2026-0001: website_url correction removed")
    assert fields_of(staff)["website_url"] == extracted
    code, _, err = staff("unset", "SMCWG-2026-0001", "website_url")
    assert code == 2 and first_line(err) == "intake-bot: SMCWG-2026-0001 has no correction of website_url"


def test_every_working_group_has_its_profile():
    from intake_bot.items import PROFILES
    from intake_bot.reader.groups import extract_working_group

    assert tuple(PROFILES) == ("SMCWG", "SCWG", "CSCWG")
    for name in PROFILES:  # the reader knows each one when the mail names it
        assert extract_working_group(f"I apply to the {name}.", "") == name


def test_set_help_lists_every_field_and_its_shape(capsys):
    from intake_bot.fields import field_names

    code, out, _ = cli(capsys, "set", "--help")
    assert code == 0
    for field in field_names():
        assert f"\n  {field}: " in out


def test_status_filters_are_checked_and_decided_applications_are_hidden(staff):
    code, _, err = staff("status", "--status", "bogus")
    assert code == 2
    assert (
        first_line(err)
        == "intake-bot: invalid value for '--status': 'bogus' is not one of complete, incomplete, dormant, approved, rejected, withdrawn"
    )
    code, _, err = staff("status", "--wg", "XYZ")
    assert (
        code == 2
        and first_line(err) == "intake-bot: invalid value for '--wg': 'XYZ' is not one of SMCWG, SCWG, CSCWG"
    )
    code, _, err = staff("status", "--json", "--csv")
    assert code == 2 and first_line(err) == "intake-bot: --json and --csv cannot be used together; choose one"
    assert staff("approve", "SMCWG-2026-0001", "--by", "x", "--force", "--no-mail")[0] == 0
    code, out, err = staff("status")
    assert (
        code == 0 and out.startswith("no applications") and "1 decided application(s) not shown: --all" in err
    )
    assert "SMCWG-2026-0001" in staff("status", "--all")[1]
    assert "SMCWG-2026-0001" in staff("status", "--status", "APPROVED")[1]
    assert "SMCWG-2026-0001" in staff("status", "--json")[1]  # scripts get every application
    code, out, _ = staff("status", "--csv", "--status", "withdrawn")
    assert (
        code == 0
        and out
        == "reference,organization_name,working_group,category,status,missing,created_at,last_activity,age_days,flags\r\n"
    )


def test_a_piped_status_table_is_not_cut(staff, monkeypatch):
    long_name = "The Very Long Organisation Name of a Certification Authority Incorporated"
    assert staff("set", "SMCWG-2026-0001", "organization_name", long_name)[0] == 0
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = staff("status")
    assert code == 0 and long_name in out


def test_no_color_turns_the_terminal_colours_off(staff, monkeypatch):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("NO_COLOR", raising=False)
    code, out, _ = staff("status")
    assert code == 0 and "\x1b[" in out  # a terminal gets colour ...
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, _ = staff("status")
    assert code == 0 and "SMCWG-2026-0001" in out and "\x1b" not in out  # ... unless NO_COLOR is set


def test_export_takes_json_and_csv_like_every_listing(staff):
    assert json.loads(staff("export", "--json")[1])["applications"]
    assert staff("export", "--csv")[1] == staff("export", "--format", "csv")[1]
    assert staff("export", "--json", "--csv")[0] == 2


def test_version(capsys):
    code, out, _ = cli(capsys, "--version")
    assert code == 0 and re.fullmatch(r"intake-bot \d+\.\d+\.\S+\n", out)


def test_by_defaults_to_the_user_behind_sudo(staff, monkeypatch):
    monkeypatch.setenv("SUDO_USER", "alice")
    assert staff("note", "SMCWG-2026-0001", "called them")[0] == 0
    assert "alice" in staff("show", "SMCWG-2026-0001")[1]


def test_attachment_into_a_missing_folder(staff, tmp_path):
    target = tmp_path / "no-such-folder" / "logo.png"
    code, _, err = staff("attachment", "SMCWG-2026-0001", "logo.png", "-o", str(target))
    assert code == 2
    assert first_line(err) == f"intake-bot: cannot write {target}: No such file or directory"
    assert not target.parent.exists()


# -- quarantine -----------------------------------------------------------------------------------


def test_quarantine_keeps_one_entry_per_message_and_dismiss_hides_it(staff, tmp_path):
    bad = tmp_path / "bad.eml"
    bad.write_bytes(b"\r\n\r\n")
    again = tmp_path / "again.eml"
    again.write_bytes(bad.read_bytes())
    assert staff("ingest", str(bad), str(again))[0] == 0
    (row,) = json.loads(staff("quarantine", "--json")[1])
    assert len(row["message_id"]) > 36 and row["message_id"].endswith("@quarantine.invalid>")  # whole
    code, out, _ = staff("requeue", str(row["id"]))
    assert code == 0 and out.startswith(f"message {row['id']}: quarantined")
    assert [r["id"] for r in json.loads(staff("quarantine", "--json")[1])] == [row["id"]]
    assert staff("status", "--check")[0] == 3
    code, out, _ = staff("quarantine", "dismiss", str(row["id"]), "--reason", "empty message, spam run")
    assert code == 0 and out == f"message {row['id']}: dismissed\n"
    assert json.loads(staff("quarantine", "--json")[1]) == []
    assert staff("quarantine", "--csv")[1] == "id,received_at,message_id,from,size,reason\r\n"
    code, _, err = staff("status", "--check")
    assert code == 0, err
    code, _, err = staff("quarantine", "dismiss", str(row["id"]), "--reason", "again")
    assert (
        code == 2
        and first_line(err)
        == f"intake-bot: message {row['id']} is not in quarantine (see intake-bot quarantine)"
    )
    assert staff("ingest", str(bad))[0] == 0  # the same bytes after a dismissal: a new entry to look at
    assert len(json.loads(staff("quarantine", "--json")[1])) == 1


# -- ingest ---------------------------------------------------------------------------------------


def test_ingest_summarises_on_a_terminal_and_skips_files_that_are_not_mail(staff, tmp_path, monkeypatch):
    from mails import make_mail

    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "1.eml").write_bytes(make_mail(sender="Bob <bob@other-ca.test>", subject="Join the SMCWG"))
    (folder / "2.eml").write_bytes(
        make_mail("Where is the changelog?", subject="Question", sender="q@uni.test")
    )
    (folder / "3.eml").write_bytes(b"\r\n\r\n")
    (folder / "notes.txt").write_text("my notes\n")
    (folder / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    code, _, err = staff("ingest", str(folder))
    assert code == 0
    assert err.splitlines()[-1] == (
        "3 message(s): 1 application(s), 0 follow-up(s), 1 other, 1 quarantined; 2 file(s) skipped (not mail)"
    )
    export = json.loads(staff("export")[1])
    assert len(export["applications"]) == 2 and len(export["other_messages"]) == 2


def test_ingest_warns_before_answering_old_mail_and_no_replies_answers_none(staff, tmp_path):
    from email.utils import format_datetime

    from intake_bot.times import utcnow
    from mails import make_mail

    def mail(sender: str, sent) -> bytes:
        return make_mail(sender=sender).replace(
            b"Date: Mon, 02 Nov 2026 10:00:00 +0000", f"Date: {format_datetime(sent)}".encode()
        )

    recent = tmp_path / "recent.eml"
    recent.write_bytes(mail("Dan <dan@fourth-ca.test>", utcnow() - timedelta(days=2)))
    code, _, err = staff("ingest", str(recent))
    assert code == 0 and err == ""
    old = tmp_path / "old.eml"
    old.write_bytes(mail("Bob <bob@other-ca.test>", datetime(2026, 1, 5, 10, tzinfo=UTC)))
    code, _, err = staff("ingest", str(old))
    assert code == 0
    assert first_line(err) == (
        f"intake-bot: warning: {old} was sent 2026-01-05, over 30 days ago, and will be answered;"
        " to import history without replies use ingest --no-replies"
    )
    older = tmp_path / "older.eml"
    older.write_bytes(mail("Carol <carol@third-ca.test>", datetime(2026, 1, 5, 10, tzinfo=UTC)))
    code, _, err = staff("ingest", "--no-replies", str(older))
    assert code == 0 and err == ""
    apps = {a["applicant_email"]: a for a in json.loads(staff("export")[1])["applications"]}
    assert apps["carol@third-ca.test"]["replies"] == [] and apps["bob@other-ca.test"]["replies"]


def test_preview_shows_the_headers_and_both_parts_of_the_mail(staff):
    code, out, _ = staff("preview", "SMCWG-2026-0001")
    assert code == 0
    for header in ("From: ", "To: alice@example-trust.test", "Subject: [SMCWG-2026-0001] ", "In-Reply-To: <"):
        assert f"\n{header}" in f"\n{out}"
    assert "\n----- text/plain -----\n" in out and "\n----- text/html -----\n<!DOCTYPE html>" in out
    assert "\\x0d" not in out  # the SMTP line ends are not shown as escapes


def test_preview_shows_the_bytes_send_sends(capsysbinary, tmp_path, database_url, smtp_sink):
    """The queued reply is rendered once, Date and Message-ID included: `preview --raw` writes
    those bytes, and `send` delivers the same bytes to the SMTP server."""
    from mails import make_mail

    smtp = smtp_sink.smtp_settings()
    config = write_config(
        tmp_path,
        f'[database]\nurl = "{database_url}"\n[storage]\npath = "{tmp_path / "st"}"\n'
        f'[smtp]\nhost = "{smtp.host}"\nport = {smtp.port}\nsecurity = "{smtp.security}"\n'
        f'ca_file = "{smtp.ca_file}"\nusername = "{smtp.username}"\npassword_file = "{smtp.password.file}"\n'
        'from_address = "questions@cabforum.org"\n',
    )
    mail = tmp_path / "app.eml"
    mail.write_bytes(make_mail(sender="Alice Example <alice@example-trust.test>"))
    assert run_cli(capsysbinary, "--config", str(config), "ingest", str(mail))[0] == 0
    code, raw, _ = run_cli(capsysbinary, "--config", str(config), "preview", "SMCWG-2026-0001", "--raw")
    assert code == 0 and raw.startswith(b"From: ")
    code, shown, _ = run_cli(capsysbinary, "--config", str(config), "preview", "SMCWG-2026-0001")
    shown = shown.decode()
    assert code == 0 and shown.startswith("# reply #1, queued: `intake-bot send` sends this mail as it is\n")
    assert "\n----- text/plain -----\nHello Alice Example," in shown  # the greeting the queued reply has
    assert run_cli(capsysbinary, "--config", str(config), "send")[0] == 0
    (delivered,) = smtp_sink.messages
    assert delivered.data == raw
    code, shown, _ = run_cli(capsysbinary, "--config", str(config), "preview", "SMCWG-2026-0001")
    shown = shown.decode()
    assert code == 0 and shown.startswith("# not queued: what `resend` would queue now\n")


# -- monitoring -----------------------------------------------------------------------------------


def test_polls_that_never_succeed_are_noticed_and_a_success_is_shown(
    tmp_path, dovecot, imap_user, database_url
):
    from bot import Bot

    bot = Bot.make(tmp_path, dovecot, imap_user, None, database_url=database_url)
    bot.ok("poll")
    done = bot.run("status", "--check")
    assert done.returncode == 0, done.stderr
    assert first_line(done.stderr).startswith("last successful poll ")
    assert "polls     ok  last successful poll " in bot.ok("config", "check").stdout

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    broken = Bot.make(fresh, dovecot, imap_user, None)
    broken.config.write_text(
        broken.config.read_text().replace(
            f"port = {dovecot.imap_settings(imap_user, 'ssl').port}", f"port = {port}"
        )
    )
    assert broken.run("poll").returncode == 75
    done = broken.run("status", "--check")
    assert done.returncode == 3
    assert first_line(done.stderr).startswith("no successful poll yet; last error ")
    assert "stuck: no poll has succeeded yet (last error: " in done.stderr


def test_a_bad_imap_host_fails_every_poll_and_monitoring_says_so(capsys, tmp_path, database_url):
    """The poll exits 75 each time (cron and systemd try again), records its error, and `status`,
    `status --check` (exit 3) and `config check` say that no poll has succeeded."""
    with socket.socket() as closed:  # an IMAP port nobody listens on, as a misspelt host gives
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    config = write_config(
        tmp_path,
        f'[database]\nurl = "{database_url}"\n[storage]\npath = "{tmp_path / "st"}"\n'
        f'[imap]\nhost = "127.0.0.1"\nport = {port}\nusername = "u"\npassword_env = "INTAKE_TEST_NONE"\n'
        "timeout = 5\n",
    )
    unreachable = f"intake-bot: IMAP server 127.0.0.1:{port} unreachable: "
    for _ in range(2):
        code, out, err = cli(capsys, "--config", str(config), "poll")
        assert code == 75 and out == ""
        assert first_line(err).startswith(unreachable) and len(err.strip().splitlines()) == 1
    code, out, err = cli(capsys, "--config", str(config), "status", "--check")
    assert code == 3 and out.startswith("no applications")
    assert first_line(err).startswith("no successful poll yet; last error ")
    assert f"IMAP server 127.0.0.1:{port} unreachable" in first_line(err)
    assert (
        err.strip().splitlines()[-1].startswith("stuck: no poll has succeeded yet (last error: IMAP server")
    )
    code, out, _ = cli(capsys, "--config", str(config), "status")
    assert code == 0
    code, out, _ = cli(capsys, "--config", str(config), "config", "check")
    assert "\npolls     warn  no successful poll yet; last error " in out  # not "ok": it is failing


def test_status_check_notices_when_polls_have_stopped_succeeding(capsys, tmp_path, database_url):
    from intake_bot import health
    from intake_bot.store.db import open_database
    from intake_bot.times import utcnow

    config = write_config(
        tmp_path,
        f'[database]\nurl = "{database_url}"\n[storage]\npath = "{tmp_path / "st"}"\n'
        "[monitoring]\nmax_silence_minutes = 30\n",
    )
    assert cli(capsys, "--config", str(config), "db", "upgrade")[0] == 0
    db = open_database(database_url, create=False)
    try:
        health.record(db, utcnow() - timedelta(hours=3))
        code, _, err = cli(capsys, "--config", str(config), "status", "--check")
        assert code == 3
        assert re.fullmatch(r"last successful poll \S+ \S+ UTC \(3 h ago\)", first_line(err))
        assert err.strip().splitlines()[-1] == "stuck: no poll has succeeded for 3 h"
        health.record(db, utcnow() - timedelta(minutes=10))
        code, _, err = cli(capsys, "--config", str(config), "status", "--check")
        assert code == 0 and re.search(r"UTC \(1[01] min ago\)$", first_line(err))
    finally:
        db.engine.dispose()


def test_the_readme_deployment_is_one_consistent_whole():
    """The operator's section: a service user, config under /etc/intake-bot/, data under
    /var/lib/intake-bot/, one secrets file for cron and systemd, the unit running pipx's path, and
    a monitoring check, since the unit counts 75 (try again) as success."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    operator = readme.split("## For the operator", 1)[1].split("\n## ", 1)[0]
    install = operator.split("```sh\n", 1)[1].split("```", 1)[0]
    assert "useradd --system" in install and " intake" in install
    assert "/var/lib/intake-bot" in install and "/etc/intake-bot/intake-bot.toml" in install
    bin_dir = re.search(r"PIPX_BIN_DIR=(\S+) pipx install", install)[1]
    secrets = re.search(r"(/etc/intake-bot/\S+\.env)", install)[1]
    unit = operator.split("```ini\n", 1)[1].split("```", 1)[0]
    assert f"EnvironmentFile={secrets}\n" in unit and "User=intake\n" in unit
    assert f"ExecStart={bin_dir}/intake-bot " in unit
    cron = operator.split("```cron\n", 1)[1].split("```", 1)[0]
    assert f". {secrets}; exec {bin_dir}/intake-bot poll" in cron
    if "SuccessExitStatus=75" in unit:
        assert "intake-bot status --check" in operator and "max_silence_minutes" in operator
    assert "several staff" in operator.lower() or "many staff" in operator.lower()
    assert "sqlite:///" not in operator.replace("sqlite:////", "")  # no relative database path


def test_send_logs_in_with_xoauth2_refreshing_its_own_token(capsys, tmp_path, smtp_sink, token_endpoint):
    """Google/Microsoft 365 through the CLI: the refresh token (from a file) is traded for an access
    token at the token endpoint, the SMTP login is XOAUTH2, and no secret reaches the output."""
    from mails import make_mail

    token_endpoint.settings(tmp_path)  # writes oauth2-client_id, oauth2-client_secret, oauth2-refresh_token
    smtp = smtp_sink.smtp_settings()
    smtp_sink.oauth_token = token_endpoint.access_token
    config = write_config(
        tmp_path,
        f'[database]\nurl = "sqlite:///{tmp_path / "intake.db"}"\n[storage]\npath = "{tmp_path / "st"}"\n'
        f'[smtp]\nhost = "{smtp.host}"\nport = {smtp.port}\nsecurity = "{smtp.security}"\n'
        f'ca_file = "{smtp.ca_file}"\nusername = "{smtp.username}"\noauth2 = true\n'
        f'[oauth2]\ntoken_url = "{token_endpoint.url}"\nca_file = "{token_endpoint.ca_file}"\n'
        + "".join(
            f'{key}_file = "{tmp_path / f"oauth2-{key}"}"\n'
            for key in ("client_id", "client_secret", "refresh_token")
        ),
    )
    mail = tmp_path / "app.eml"
    mail.write_bytes(make_mail())
    assert cli(capsys, "--config", str(config), "ingest", str(mail))[0] == 0
    code, out, err = cli(capsys, "--config", str(config), "send")
    assert (code, out, err) == (0, "", "")
    assert [got.authenticated for got in smtp_sink.messages] == [True]
    assert [r["grant_type"] for r in token_endpoint.requests] == ["refresh_token"]
    token_endpoint.refresh_token = "SECRET-other"  # revoked: a configuration error, exit 2, no secret shown
    from intake_bot import oauth

    oauth._CACHE.clear()
    assert cli(capsys, "--config", str(config), "resend", "SMCWG-2026-0001")[0] == 0
    code, out, err = cli(capsys, "--config", str(config), "send")
    assert code == 2 and first_line(err).startswith("intake-bot: ") and "invalid_grant" in first_line(err)
    assert "SECRET" not in out + err and token_endpoint.access_token not in out + err


# -- the replies an applicant reads ---------------------------------------------------------------

ALL_ISSUER_ITEMS = (
    "category",
    "organization_name",
    "website_url",
    "ipr_agreement",
    "representatives",
    "voting_representative",
    "emergency_contact",
    "audit_report_url",
    "certificate_evidence",
)


def _reply(items=ALL_ISSUER_ITEMS, **overrides):
    import email
    import email.policy

    from intake_bot.records import ReplyKind
    from intake_bot.replies import ReplyInput, render_reply

    values = dict(
        kind=ReplyKind.MISSING_ITEMS,
        reference="SMCWG-2026-0001",
        working_group="SMCWG",
        to_address="alice@example.test",
        to_name="Alice",
        from_address="questions@cabforum.org",
        in_reply_to="<m1@example.test>",
        references=(),
        items=items,
        organization_name=None,
        category="certificate_issuer",
        seed="s",
        now=datetime(2026, 11, 2, tzinfo=UTC),
    )
    values.update(overrides)
    msg = email.message_from_bytes(render_reply(ReplyInput(**values)).raw, policy=email.policy.default)
    return msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()


def test_the_missing_items_reply_says_what_to_send_and_where_in_text_and_html():
    text, html = _reply()
    numbered = re.findall(r"^  (\d)\. ([^:]+):", text, re.M)
    assert [n for n, _ in numbered] == ["1", "2", "3", "4", "5", "5", "6", "7", "7"]  # as on the Forum's page
    for part in (text, html):
        assert "https://cabforum.org/about/ipr-policy/" in part
        assert "version 1.4: required since 1 June 2026" in part
        assert (
            "signed and dated by a person authorised to sign legal agreements for your organisation" in part
        )
        assert "WebTrust for S/MIME Baseline Requirements" in part and "ETSI" in part
        assert (
            "crt.sh" in part
            and "?id= and a number" in part
            and "At least one end-entity S/MIME certificate" in part
        )
        assert "at least one telephone number" in part
        assert (
            "Forum's staff read every message to questions@cabforum.org and a person will answer"
            in " ".join(part.split())
        )
    assert "which one of your representatives is the voting representative" not in text.lower()


def test_the_acknowledgement_names_a_person_to_reach():
    from intake_bot.records import ReplyKind

    text, html = _reply((), kind=ReplyKind.ACKNOWLEDGEMENT)
    for part in (text, html):
        assert "a person will answer" in part


def test_our_reply_quoted_back_gives_the_reader_nothing():
    """An applicant who answers above our whole reply (quoted) has sent none of the items yet."""
    from intake_bot.parse import parse_email
    from intake_bot.reader import read
    from mails import make_mail

    text, _ = _reply()
    quoted = "Thanks, we will send these shortly.\n\nOn Mon, Alice wrote:\n" + "".join(
        f"> {line}\n" for line in text.splitlines()
    )
    found = read(parse_email(make_mail(quoted, subject="Re: [SMCWG-2026-0001] Your application")))
    stated = found.stated()
    assert not {"website_url", "audit_report_url", "certificate_evidence", "emergency_contact"} & set(
        stated
    ), stated


def test_the_readme_status_table_is_the_demos_real_output(capsys, tmp_path):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    sample = readme.split("`intake-bot status` answers", 1)[1].split("```\n", 2)[1]
    code, out, _ = cli(capsys, "demo", "--dir", str(tmp_path / "demo"))
    assert code == 0
    table = out.split("\n\n", 1)[1].split("\n\nTry:", 1)[0] + "\n"

    def ageless(text: str) -> str:
        return re.sub(r"\d+[dhm]/\d+[dhm]", "AGE", text)

    assert ageless(table) == ageless(sample)
