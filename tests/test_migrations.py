from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from intake_bot.store.db import SCHEMA_HEAD, Database, alembic_config


def test_schema_head_constant_matches_the_migrations():
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert scripts.get_current_head() == SCHEMA_HEAD


def test_every_revision_walks_up_and_down(database_url):
    db = Database(database_url)
    scripts = ScriptDirectory.from_config(alembic_config(db.url))
    revisions = [r.revision for r in reversed(list(scripts.walk_revisions()))]
    from alembic import command

    cfg = alembic_config(db.url)
    for rev in revisions:
        command.upgrade(cfg, rev)
        assert db.revision() == rev
    assert "applications" in inspect(db.engine).get_table_names()
    for rev in reversed(revisions):
        command.downgrade(cfg, "-1")
        assert db.revision() != rev
    assert "applications" not in inspect(db.engine).get_table_names()
    command.upgrade(cfg, "head")
    assert db.revision() == SCHEMA_HEAD


def test_database_file_is_private(tmp_path):
    path = tmp_path / "private.db"
    Database(f"sqlite:///{path}").ensure_schema()
    assert path.stat().st_mode & 0o077 == 0
