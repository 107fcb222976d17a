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
