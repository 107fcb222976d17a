import pytest

from intake_bot.config import load_settings
from intake_bot.errors import ConfigError


def write(tmp_path, text: str):
    path = tmp_path / "c.toml"
    path.write_text(text)
    return path


def test_defaults_of_an_empty_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("INTAKE_BOT_CONFIG", raising=False)
    (tmp_path / "intake-bot.toml").write_text("")
    s = load_settings(None)
    assert s.database_url == f"sqlite:///{tmp_path}/intake.db"
    assert s.imap is None and s.smtp is None


def test_relative_storage_is_relative_to_the_config_file(tmp_path):
    s = load_settings(write(tmp_path, '[storage]\npath = "store"\n'))
    assert s.storage_path == tmp_path / "store"


def test_password_is_read_from_the_environment_and_never_shown(tmp_path, monkeypatch):
    monkeypatch.setenv("IMAP_PW", "hunter2")
    s = load_settings(write(tmp_path, '[imap]\nhost = "h"\nusername = "u"\npassword_env = "IMAP_PW"\n'))
    assert s.imap.password.value() == "hunter2"
    assert "hunter2" not in repr(s)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[imap]\nhost = 'h'\npassword = 'inline'\n", "must not be inline"),
        ("[imap]\nhost = 'h'\nsecurity = 'tls'\n", "security must be one of"),
        ("[imap]\nport = 993\n", "host is required"),
        ("[smtp]\nhost = 'h'\nport = 'x'\n", "port must be"),
        ("[database\n", "not valid TOML"),
        ("[imap]\nhost = 'h'\nsince = 'yesterday'\n", "since must be a date"),
        ("[imap]\nhost = 'h'\noauth2 = true\n", "oauth2 = true needs an \\[oauth2\\] section"),
        ("[oauth2]\nclient_id_env = 'A'\n", "needs provider = 'google' or 'microsoft', or a token_url"),
        (
            "[oauth2]\nprovider = 'google'\nclient_id_env = 'A'\nclient_secret = 's'\n",
            "client_secret must not be inline",
        ),
        (
            "[oauth2]\nprovider = 'google'\nclient_id_env = 'A'\nclient_secret_env = 'B'\n",
            "needs refresh_token_env or",
        ),
        ("[oauth2]\ntoken_url = 'http://x.test/token'\n", "must be an https:// URL"),
    ],
)
def test_bad_configuration_is_one_clear_error(tmp_path, text, words):
    with pytest.raises(ConfigError, match=words):
        load_settings(write(tmp_path, text))


def test_missing_explicit_file(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml")


def test_relative_sqlite_path_is_beside_the_config_file(tmp_path):
    s = load_settings(write(tmp_path, '[database]\nurl = "sqlite:///data/i.db"\n'))
    assert s.database_url == f"sqlite:///{tmp_path.resolve()}/data/i.db"
    s = load_settings(write(tmp_path, '[database]\nurl = "sqlite:////abs/i.db"\n'))
    assert s.database_url == "sqlite:////abs/i.db"


def test_evidence_rules_and_staff_notification(tmp_path):
    s = load_settings(
        write(
            tmp_path,
            '[evidence]\nipr_cutover = 2027-01-01\nipr_current_versions = ["1.5"]\n'
            '[replies]\nnotify_staff = "staff@cabforum.org"\n',
        )
    )
    assert str(s.evidence_rules.ipr_cutover) == "2027-01-01"
    assert s.evidence_rules.ipr_current_versions == ("1.5",)
    assert s.notify_address == "staff@cabforum.org"
    with pytest.raises(ConfigError, match="ipr_cutover"):
        load_settings(write(tmp_path, '[evidence]\nipr_cutover = "soon"\n'))


def test_the_built_in_profiles_are_named_without_the_item_catalogue(tmp_path):
    from intake_bot.config import BuiltInProfiles
    from intake_bot.items import PROFILES

    assert tuple(PROFILES) == BuiltInProfiles.NAMES
    profiles = load_settings(write(tmp_path, "")).evidence_rules.profiles
    assert dict(profiles) == PROFILES and "SMCWG" in profiles and "XYZWG" not in profiles


def test_oauth2_presets_and_the_logins_that_use_them(tmp_path, monkeypatch):
    monkeypatch.setenv("CID", "client-1")
    text = (
        "[oauth2]\nprovider = 'microsoft'\ntenant = 'contoso.example'\nclient_id_env = 'CID'\n"
        "client_secret_file = '/nonexistent/secret'\nrefresh_token_env = 'RT'\n"
        "[imap]\nhost = 'h'\noauth2 = true\n[smtp]\nhost = 'h'\n"
    )
    s = load_settings(write(tmp_path, text))
    assert s.imap.oauth2.token_url == "https://login.microsoftonline.com/contoso.example/oauth2/v2.0/token"
    assert s.imap.oauth2.client_id.value() == "client-1" and s.smtp.oauth2 is None
    with pytest.raises(ConfigError, match=r"environment variable RT \(refresh_token_env\) is not set"):
        s.imap.oauth2.refresh_token.value()
    with pytest.raises(ConfigError, match="cannot read client_secret_file /nonexistent/secret"):
        s.imap.oauth2.client_secret.value()
    google = load_settings(write(tmp_path, text.replace("'microsoft'", "'google'")))
    assert google.imap.oauth2.token_url == "https://oauth2.googleapis.com/token"
