"""The import rule (README, "How it works"): the pure stages import no database, network or mail-server
code, and none of the modules at the edges that do; read from the source, not by importing it."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "intake_bot"

PURE = (
    "records", "items", "errors", "times", "cleantext", "paths",
    "parse", "body", "classify", "thread", "reader", "evidence", "assess", "fields", "corrections",
    "replies", "roles", "config", "untrusted", "recipients",
)  # fmt: skip
IO_LIBRARIES = {
    "sqlalchemy", "alembic", "psycopg", "smtplib", "imaplib", "imapclient", "socket", "ssl", "aiosmtpd",
    "http", "urllib.request", "requests",
}  # fmt: skip
EDGES = {
    "store", "sources", "pipeline", "worker", "send", "outbox", "poll", "pollstate", "watch", "ingest",
    "cli", "lifecycle", "staff", "status", "export", "detail", "digest", "inbox", "health", "storage",
    "lock", "oauth", "checks", "demo", "listen",
}  # fmt: skip


def modules_of(name: str) -> list[Path]:
    folder = PACKAGE / name
    return sorted(folder.rglob("*.py")) if folder.is_dir() else [PACKAGE / f"{name}.py"]


def imported(path: Path) -> set[str]:
    """Every module PATH imports, anywhere in it (functions too), as absolute dotted names."""
    package = ".".join(["intake_bot", *path.relative_to(PACKAGE).parent.parts])
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            names.add(module)
            names |= {f"{module}.{alias.name}" for alias in node.names}
    return names


def test_the_pure_stages_import_no_io_and_no_edge_module():
    found = []
    for name in PURE:
        for path in modules_of(name):
            for module in imported(path):
                parts = module.split(".")
                edge = parts[0] == "intake_bot" and len(parts) > 1 and parts[1] in EDGES
                io = any(module == lib or module.startswith(lib + ".") for lib in IO_LIBRARIES)
                if edge or io:
                    found.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert not found
