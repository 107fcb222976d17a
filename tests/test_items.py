"""The catalogue of items (items.py): every item has its wording, a folder of templates lacking one
is refused by `config check`, and an item is added by its catalogue entry, one reader and one wording
entry, and nothing else."""

import json
import re
import shutil

import pytest

from bot import run_cli
from intake_bot import items
from intake_bot.assess import assess
from intake_bot.config import settings_from_dict
from intake_bot.corrections import WEB_ADDRESS
from intake_bot.fields import fold, statements
from intake_bot.parse import parse_email
from intake_bot.paths import data_dir
from intake_bot.reader import Text, read
from mails import make_mail

# ---------------------------------------------------------------- the item a test adds: these three


def read_register(text: Text) -> str | None:
    """The one reader: "Business register: URL"."""
    found = re.search(r"(?im)^business register:\s*(https?://\S+)", text.body)
    return found.group(1) if found else None


REGISTER = items.Item("business_register", "business register", "breg", WEB_ADDRESS, reader=read_register)
WORDING = (
    '"business_register": ("Business register", '
    "\"A link to your organisation's entry in its country's business register.\"),"
)

# ----------------------------------------------------------------

BODY = """Hello,

We would like to apply for membership.

Organization Name: Example Trust Ltd
Category: Certificate Consumer
Website: https://www.example-trust.test

Regards,
Alice
"""


def shipped_template_sets():
    return sorted(p.parent for p in data_dir("templates").glob("*/_facts.j2"))


def facts(templates):
    return (templates / "_facts.j2").read_text(encoding="utf-8")


def templates_with(tmp_path, edit):
    """A copy of the shipped templates whose _facts.j2 is EDIT(its text)."""
    folder = tmp_path / "templates"
    shutil.copytree(data_dir("templates/replies"), folder)
    (folder / "_facts.j2").write_text(edit(facts(folder)), encoding="utf-8")
    return folder


def with_wording(text, entry=WORDING):
    return text.replace("{%- set HELP = {\n", "{%- set HELP = {\n  " + entry + "\n", 1)


@pytest.fixture
def register():
    with items.added(REGISTER):
        yield REGISTER


@pytest.fixture
def config(tmp_path, database_url, monkeypatch):
    monkeypatch.delenv("INTAKE_BOT_CONFIG", raising=False)

    def write(templates, extra=""):
        path = tmp_path / "intake-bot.toml"
        path.write_text(
            f'[database]\nurl = "{database_url}"\n[storage]\npath = "{tmp_path / "st"}"\n'
            f'[replies]\ntemplates_dir = "{templates}"\n{extra}',
            encoding="utf-8",
        )
        return str(path)

    return write


def test_every_catalogued_item_has_wording_in_every_shipped_template_set():
    from jinja2 import Environment, FileSystemLoader

    assert shipped_template_sets()
    for folder in shipped_template_sets():
        wording = Environment(loader=FileSystemLoader(str(folder))).get_template("_facts.j2").module.HELP
        for item in items.CATALOGUE.values():
            assert item.wording in wording, f"{folder}/_facts.j2 has no wording for {item.code}"


def test_config_check_refuses_templates_missing_an_items_wording(tmp_path, config, capsys):
    drop_test_sites = lambda text: re.sub(r'\n  "test_websites": \(.*?\),\n', "\n", text, flags=re.S)  # noqa: E731
    folder = templates_with(tmp_path, drop_test_sites)
    code, out, _ = run_cli(capsys, "--config", config(folder), "config", "check")
    (line,) = [line for line in out.splitlines() if line.startswith("templates")]
    assert code == 2 and "FAIL" in line
    assert f"{folder / '_facts.j2'} has no wording (HELP) for item test_websites" in line


def test_an_added_item_needs_its_wording_too(tmp_path, config, capsys, register):
    plain = templates_with(tmp_path, lambda text: text)
    code, out, _ = run_cli(capsys, "--config", config(plain), "config", "check")
    assert code == 2 and "for item business_register" in out


PROFILE = (
    '[profiles.TESTWG]\nunknown = ["category", "organization_name", "website_url", "business_register"]\n'
)


def test_an_item_added_by_its_entry_a_reader_and_its_wording_is_read_assessed_and_answered(
    tmp_path, config, capsys, register
):
    path = config(templates_with(tmp_path, with_wording), '[intake]\nworking_group = "TESTWG"\n' + PROFILE)
    code, out, _ = run_cli(capsys, "--config", path, "config", "check")
    assert "templates FAIL" not in out
    rules = settings_from_dict({"profiles": {"TESTWG": {"unknown": ["business_register"]}}}).evidence_rules

    # read (the reader runs where the catalogue has the entry) and assessed by the profile
    stated = make_mail(
        BODY.replace("\nRegards", "Business register: https://register.example/123\n\nRegards")
    )
    found = statements(read(parse_email(stated)))
    assert ("business_register", "https://register.example/123") in found
    assert assess(fold(found), "TESTWG", rules=rules).missing == ()
    assert assess(fold([]), "TESTWG", rules=rules).missing == ("business_register",)

    # answered: the reply asks for it in its wording; staff can `set` it; it is exported
    mail = tmp_path / "app.eml"
    mail.write_bytes(make_mail(BODY))
    assert run_cli(capsys, "--config", path, "ingest", "--no-replies", str(mail))[0] == 0
    code, out, _ = run_cli(capsys, "--config", path, "preview", "TESTWG-2026-0001")
    assert code == 0 and "Business register: A link to your organisation" in out
    code, out, _ = run_cli(capsys, "--config", path, "status", "--json")
    assert [row["missing"] for row in json.loads(out)] == [["business_register"]]
    assert "breg" in run_cli(capsys, "--config", path, "status")[1]
    code, out, err = run_cli(
        capsys, "--config", path, "set", "TESTWG-2026-0001", "business_register", "register.example/9"
    )
    assert code == 0, err
    code, out, _ = run_cli(capsys, "--config", path, "export", "--json")
    (app,) = json.loads(out)["applications"]
    assert app["business_register"] == "https://register.example/9" and app["status"] == "complete"
    shown = run_cli(capsys, "--config", path, "show", "TESTWG-2026-0001")[1]
    assert re.search(r"\n  business register *https://register\.example/9 +\[set by staff\]\n", shown)


@pytest.mark.parametrize(
    "profiles, says",
    [
        (
            {"SCWG": {"certificate_issuer": ["test_sites"]}},
            "unknown item 'test_sites'; did you mean 'test_websites'?",
        ),
        ({"SCWG": {"issuer": ["category"]}}, "unknown key 'issuer' in [profiles.SCWG]"),
        (
            {"NEWWG": {"certificate_issuer": ["category"]}},
            "[profiles.NEWWG] is a new working group: it needs `unknown`",
        ),
        ({"SCWG": {"unknown": []}}, "[profiles.SCWG] unknown: an empty list would require nothing"),
    ],
)
def test_profiles_in_the_config_are_checked(profiles, says):
    from intake_bot.errors import ConfigError

    with pytest.raises(ConfigError) as refused:
        settings_from_dict({"profiles": profiles})
    assert says in str(refused.value) and "\n" not in str(refused.value)


def test_a_configured_profile_changes_what_is_required():
    rules = settings_from_dict(
        {"profiles": {"SCWG": {"certificate_issuer": ["category", "audit_report_url"]}}}
    ).evidence_rules
    issuer = {"category": "certificate_issuer"}
    assert assess(fold([("category", "certificate_issuer")]), "SCWG", rules=rules).missing == (
        "audit_report_url",
    )
    assert "ipr_agreement" in assess(fold([]), "SCWG", rules=rules).missing  # the others as built in
    assert "certificate_evidence" in assess(fold(issuer.items()), "SMCWG", rules=rules).missing
