"""The schema revision this code expects, apart from db.py: checking it needs no SQLAlchemy (pollstate)."""

# The newest migration; tests/test_migrations.py checks it matches migrations/versions.
SCHEMA_HEAD = "0012"
