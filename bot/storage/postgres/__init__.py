"""The PostgreSQL backend of the store (issue #12).

For now its schema: `migrations/` holds one PostgreSQL file per SQLite migration, numbered
and named alike, and `migrate.py` applies them. The SQLite schema stays the reference; the
schema parity test (tests/test_pg_schema.py) fails when the two drift apart.
"""
