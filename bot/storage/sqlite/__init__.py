"""The SQLite backend (the default): aiosqlite, WAL, one connection per process."""
