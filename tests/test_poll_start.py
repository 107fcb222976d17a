"""Where history ends on the first poll: the folder's UIDNEXT, so a skewed clock cannot swallow replies."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from intake_bot.config import Settings
from intake_bot.poll import poll_once
from intake_bot.store.db import open_database
from intake_bot.store.schema import Reply
from mails import make_mail


def test_a_bot_clock_hours_ahead_still_answers_new_mail(dovecot, imap_user, tmp_path, database_url):
    settings = Settings(
        database_url=database_url, storage_path=tmp_path / "store", imap=dovecot.imap_settings(imap_user)
    )
    db = open_database(database_url)
    ahead = lambda: datetime.now(UTC) + timedelta(hours=6)  # noqa: E731 - the bot's skewed clock
    dovecot.append(imap_user, make_mail(sender="old@history.test", message_id="<old@history.test>"))
    poll_once(settings, db, ahead)
    dovecot.append(imap_user, make_mail(sender="new@arrival.test", message_id="<new@arrival.test>"))
    poll_once(settings, db, ahead)
    with db.transaction() as s:
        assert list(s.scalars(select(Reply.to_address))) == ["new@arrival.test"]
