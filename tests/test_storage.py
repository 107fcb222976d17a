"""The blob store: nothing planted in the folder is written through or served as a message."""

from __future__ import annotations

import errno
import hashlib
import os

import pytest
from sqlalchemy import select

from intake_bot import storage
from intake_bot.storage import BlobStore, CorruptBlob
from intake_bot.store.db import open_database
from intake_bot.store.schema import PollHealth


def test_put_and_get(tmp_path):
    store = BlobStore(tmp_path)
    digest = store.put(b"raw message")
    assert digest == hashlib.sha256(b"raw message").hexdigest()
    assert store.get(digest) == b"raw message"
    assert store.path_for(digest).stat().st_mode & 0o077 == 0
    assert [p.name for p in store.path_for(digest).parent.iterdir()] == [digest]  # no temporary left


def test_the_temporary_file_is_created_exclusively_without_following_links(tmp_path, monkeypatch):
    opened = []
    real_open = os.open

    def spy(path, flags, *args):
        opened.append((os.fspath(path), flags))
        return real_open(path, flags, *args)

    monkeypatch.setattr(storage.os, "open", spy)
    BlobStore(tmp_path).put(b"a")
    BlobStore(tmp_path / "other").put(b"a")
    writes = [(path, flags) for path, flags in opened if flags & os.O_CREAT]
    assert len(writes) == 2
    for _, flags in writes:
        assert flags & os.O_EXCL and flags & os.O_NOFOLLOW
    names = [os.path.basename(path) for path, _ in writes]
    assert names[0] != names[1] and str(os.getpid()) not in names[0]  # not predictable


def test_a_planted_symlink_is_not_written_through(tmp_path):
    store = BlobStore(tmp_path / "store")
    digest = hashlib.sha256(b"payload").hexdigest()
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep me")
    target = store.path_for(digest)
    target.parent.mkdir(parents=True)
    target.symlink_to(victim)
    assert store.put(b"payload") == digest
    assert victim.read_bytes() == b"keep me"
    assert not target.is_symlink() and store.get(digest) == b"payload"


def test_an_existing_blob_of_the_same_size_is_checked_not_trusted(tmp_path):
    store = BlobStore(tmp_path)
    digest = store.put(b"the real bytes")
    store.path_for(digest).write_bytes(b"the fake bytes")  # same size, other content
    store.put(b"the real bytes")
    assert store.get(digest) == b"the real bytes"


def test_a_damaged_blob_is_an_error_naming_the_file(tmp_path):
    store = BlobStore(tmp_path)
    digest = store.put(b"raw message")
    store.path_for(digest).write_bytes(b"raw massage")
    with pytest.raises(CorruptBlob, match=str(store.path_for(digest))):
        store.get(digest)


def test_a_commit_waits_until_its_blobs_are_on_disk_and_no_commit_follows_a_failed_sync(
    tmp_path, monkeypatch, database_url
):
    db = open_database(database_url)
    store = BlobStore(tmp_path / "store")
    db.before_commit(store.sync)
    synced = []
    monkeypatch.setattr(storage.os, "fsync", lambda fd: synced.append(os.fstat(fd).st_ino))
    digest = store.put(b"raw message")
    with db.transaction() as s:
        s.add(PollHealth(host="first"))
    path = store.path_for(digest)
    # the file, its name, and the names of the folders put made (down from the store's parent)
    assert {p.stat().st_ino for p in (path, *list(path.parents)[:4])} <= set(synced)

    def broken(fd):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(storage.os, "fsync", broken)
    store.put(b"another message")
    for host in ("second", "third"):  # every later commit too: that blob may be lost
        with pytest.raises(OSError, match="Input/output error"), db.transaction() as s:
            s.add(PollHealth(host=host))
    with db.engine.connect() as conn:
        assert conn.scalars(select(PollHealth.host)).all() == ["first"]
    db.engine.dispose()
