"""The floor of intake-bot's stack: fetch new mail over IMAP in batches of 100 and parse it, nothing else.

imapclient (the same IMAPS connection intake-bot makes) and mail-parser; the last UID seen is kept
in a small JSON state file, so a second run with nothing new is the floor of an idle poll. Run as a
whole process by benchmarks/run.py; prints one JSON line: {"fetched": N}.
"""

from __future__ import annotations

import argparse
import json
import ssl
from pathlib import Path

from imapclient import IMAPClient

BATCH = 100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password-file", required=True)
    parser.add_argument("--ca-file", required=True)
    parser.add_argument("--state", required=True, help="JSON file remembering UIDVALIDITY and the last UID")
    args = parser.parse_args()

    state_path = Path(args.state)
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    context = ssl.create_default_context(cafile=args.ca_file)
    client = IMAPClient(args.host, args.port, ssl=True, ssl_context=context, timeout=30)
    client.login(args.user, Path(args.password_file).read_text().strip())
    selected = client.select_folder("INBOX", readonly=True)
    uidvalidity, uidnext = int(selected[b"UIDVALIDITY"]), int(selected[b"UIDNEXT"])
    last = state.get("last_uid", 0) if state.get("uidvalidity") == uidvalidity else 0
    fetched = 0
    if uidnext > last + 1:
        import mailparser  # only when there is something to parse, like a lean poller would

        uids = sorted(uid for uid in client.search(["UID", f"{last + 1}:*"]) if uid > last)
        for start in range(0, len(uids), BATCH):
            batch = uids[start : start + BATCH]
            answer = client.fetch(batch, ["BODY.PEEK[]", "INTERNALDATE", "FLAGS"])
            for uid in batch:
                mail = mailparser.parse_from_bytes(answer[uid][b"BODY[]"])
                # Touch what a processor reads: headers, text and the attachments' bytes.
                _ = (mail.message_id, mail.from_, mail.subject, mail.text_plain, mail.attachments)
                fetched += 1
                last = max(last, uid)
            del answer
    state_path.write_text(json.dumps({"uidvalidity": uidvalidity, "last_uid": last}))
    client.logout()
    print(json.dumps({"fetched": fetched}))


if __name__ == "__main__":
    main()
