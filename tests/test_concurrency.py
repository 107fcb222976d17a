"""Several processes on one database at once: each message stored once, each reply queued once."""

import json
import subprocess
import sys

from mails import make_mail


def test_two_ingests_of_the_same_mail_at_once(tmp_path, database_url):
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'[database]\nurl = "{database_url}"\n[storage]\npath = "{tmp_path / "st"}"\n')
    files = []
    for i in range(12):
        path = tmp_path / f"{i:02d}.eml"
        path.write_bytes(
            make_mail(
                sender=f"a{i}@org{i}.test",
                subject=f"Membership application {i}",
                message_id=f"<m{i}@org{i}.test>",
            )
        )
        files.append(str(path))
    cmd = [sys.executable, "-m", "intake_bot", "--config", str(cfg), "ingest"]
    subprocess.run([*cmd[:-1], "db", "upgrade"], check=True, capture_output=True)
    procs = [subprocess.Popen([*cmd, *files], stderr=subprocess.PIPE) for _ in range(3)]
    for p in procs:
        assert p.wait(timeout=120) == 0, p.stderr.read().decode()
    out = subprocess.run([*cmd[:-1], "export"], check=True, capture_output=True).stdout
    data = json.loads(out)
    assert len(data["applications"]) == 12
    assert all(len(a["messages"]) == 1 and len(a["replies"]) == 1 for a in data["applications"])
    assert sorted(a["reference"] for a in data["applications"]) == [
        f"SMCWG-2026-{i:04d}" for i in range(1, 13)
    ]
    assert [m["disposition"] for m in data["other_messages"]] == ["duplicate"] * 24


def intake(cfg, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "intake_bot", "--config", str(cfg), *args], capture_output=True, text=True
    )


def test_db_copy_moves_everything_to_an_empty_database(tmp_path, database_url):
    store = tmp_path / "st"
    src_cfg = tmp_path / "src.toml"
    src_cfg.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "src.db"}"\n[storage]\npath = "{store}"\n')
    dst_cfg = tmp_path / "dst.toml"
    dst_cfg.write_text(f'[database]\nurl = "{database_url}"\n[storage]\npath = "{store}"\n')
    for i in range(3):
        (tmp_path / f"{i}.eml").write_bytes(
            make_mail(sender=f"a{i}@org{i}.test", message_id=f"<c{i}@org{i}.test>")
        )
    assert intake(src_cfg, "ingest", *(str(tmp_path / f"{i}.eml") for i in range(3))).returncode == 0
    assert intake(src_cfg, "db", "copy", "--to", database_url).returncode == 0
    assert json.loads(intake(dst_cfg, "export").stdout) == json.loads(intake(src_cfg, "export").stdout)
    again = intake(src_cfg, "db", "copy", "--to", database_url)
    assert again.returncode == 2 and "not empty" in again.stderr
    # new rows in the copy get fresh ids: the sequences were moved past the copied ones
    (tmp_path / "x.eml").write_bytes(make_mail(sender="new@new.test", message_id="<new@new.test>"))
    assert intake(dst_cfg, "ingest", str(tmp_path / "x.eml")).returncode == 0
    assert len(json.loads(intake(dst_cfg, "export").stdout)["applications"]) == 4
