from datetime import UTC, datetime

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


def test_upgrade_to_0009_keeps_existing_applications_and_replies(database_url):
    from alembic import command
    from sqlalchemy import text

    from intake_bot.records import ReplyKind
    from intake_bot.store import repository as repo

    db = Database(database_url)
    cfg = alembic_config(db.url)
    command.upgrade(cfg, "0008")
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO applications (id, reference, working_group, status, applicant_email,"
                " applicant_domain, missing, created_at, updated_at, needs_review) VALUES (1, 'SMCWG-2026-0001',"
                " 'SMCWG', 'incomplete', 'a@x.test', 'x.test', '[\"ipr_agreement\"]', :t, :t, false)"
            ),
            {"t": "2026-11-02 10:00:00"},
        )
        conn.execute(
            text(
                "INSERT INTO replies (application_id, kind, to_address, message_id, in_reply_to, items,"
                " raw, state, attempts, last_error, created_at) VALUES (1, 'missing_items', 'a@x.test',"
                " '<r1@x>', '', '[]', :raw, 'queued', 0, '', :t)"
            ),
            {"raw": b"x", "t": "2026-11-02 10:00:00"},
        )
    command.upgrade(cfg, "head")
    with db.transaction() as s:
        app = repo.application_by_reference(s, "SMCWG-2026-0001")
        assert app is not None and app.missing == ["ipr_agreement"] and app.new_mail_at is None
        assert [(r.kind, r.state) for r in app.replies] == [("missing_items", "queued")]
        repo.queue_reply(  # the new rules apply to the old rows: the older reply is superseded
            s,
            application_id=app.id,
            kind=ReplyKind.REMINDER,
            to="a@x.test",
            message_id="<r2@x>",
            raw=b"y",
            now=datetime.now(UTC),
        )
        repo.queue_reply(  # and mail of no application has a place now
            s,
            application_id=None,
            kind=ReplyKind.DIGEST,
            to="staff@x.test",
            message_id="<d@x>",
            raw=b"z",
            now=datetime.now(UTC),
        )
    with db.transaction() as s:
        assert [r.state for r in repo.application_by_reference(s, "SMCWG-2026-0001").replies] == [
            "superseded",
            "queued",
        ]
    command.downgrade(cfg, "0008")  # the digest has no place there: it goes
    with db.engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM replies")).scalar() == 2


def test_upgrade_keeps_existing_applications_and_marks_their_messages_the_applicants(database_url):
    """0011 (and each before it) on a database holding applications: their messages were all read as the applicant's."""
    from alembic import command
    from sqlalchemy import text

    db = Database(database_url)
    cfg = alembic_config(db.url)
    command.upgrade(cfg, "0007")
    now = "2026-11-02 10:00:00"
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO applications (id, reference, working_group, status, applicant_email,"
                " applicant_domain, missing, created_at, updated_at, needs_review)"
                " VALUES (1, 'SMCWG-2026-0001', 'SMCWG', 'complete', 'a@x.test', 'x.test', '[]', :now, :now, false)"
            ),
            {"now": now},
        )
        for row_id, app_id, disposition in [
            (1, 1, "application"),
            (2, 1, "follow_up"),
            (3, 1, "auto_reply"),
            (4, None, "not_application"),
        ]:
            conn.execute(
                text(
                    "INSERT INTO messages (id, message_id, raw_sha256, fingerprint, size, application_id,"
                    " disposition, reason, from_address, subject, received_at, processed_at)"
                    " VALUES (:id, :mid, 'r', :fp, 1, :app, :disposition, '', 'a@x.test', '', :now, :now)"
                ),
                {
                    "id": row_id,
                    "mid": f"<{row_id}@x>",
                    "fp": str(row_id),
                    "app": app_id,
                    "disposition": disposition,
                    "now": now,
                },
            )
    command.upgrade(cfg, "head")
    with db.engine.begin() as conn:
        roles = dict(conn.execute(text("SELECT id, role FROM messages ORDER BY id")).all())
        (status,) = conn.execute(text("SELECT status FROM applications")).one()
    assert roles == {1: "applicant", 2: "applicant", 3: None, 4: None}
    assert status == "complete"
    command.downgrade(cfg, "0009")
    assert "role" not in {c["name"] for c in inspect(db.engine).get_columns("messages")}


def test_upgrade_to_0012_keeps_the_imap_uids_already_processed(database_url):
    """A database that polled IMAP before 0012: its UIDs count as processed under their source keys."""
    from alembic import command
    from sqlalchemy import text

    from intake_bot.sources.imap import imap_key
    from intake_bot.store import repository as repo

    db = Database(database_url)
    cfg = alembic_config(db.url)
    command.upgrade(cfg, "0011")
    now = "2026-11-02 10:00:00"
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO mailboxes (id, account, folder, uidvalidity, start_at, created_at)"
                " VALUES (3, 'q@imap.test:993', 'INBOX', 4000000000, :now, :now)"
            ),
            {"now": now},
        )
        for row_id, uid in [(1, 7), (2, 8)]:
            conn.execute(
                text(
                    "INSERT INTO messages (id, message_id, raw_sha256, fingerprint, size, disposition,"
                    " reason, from_address, subject, received_at, processed_at)"
                    " VALUES (:id, :mid, 'r', :fp, 1, 'not_application', '', 'a@x.test', '', :now, :now)"
                ),
                {"id": row_id, "mid": f"<{row_id}@x>", "fp": str(row_id), "now": now},
            )
            conn.execute(
                text(
                    "INSERT INTO imap_uids (mailbox_id, uidvalidity, uid, message_id, flag_pending)"
                    " VALUES (3, 4000000000, :uid, :id, false)"
                ),
                {"uid": uid, "id": row_id},
            )
    command.upgrade(cfg, "head")
    with db.transaction() as s:
        found = [repo.processed_message(s, "imap", imap_key(3, 4000000000, uid).key) for uid in (7, 8, 9)]
    assert found == [1, 2, None]
    command.downgrade(cfg, "0011")
    with db.engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM imap_uids")).scalar() == 2
