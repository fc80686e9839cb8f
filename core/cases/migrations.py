"""The case book's schema, as numbered steps. `PRAGMA user_version` holds the last step applied.

Never edit a step that has shipped: add the next one. Each step runs in the same transaction as the
`user_version` bump, so a crash leaves the file at the old version or the new one, never between.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Callable, Union

Step = Union[str, Callable[[sqlite3.Connection], None]]

V1 = """
CREATE TABLE cases (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    profile     TEXT NOT NULL,              -- the raw validated profile mapping, as JSON
    revision    INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE TABLE verdicts (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    checked_at    TEXT NOT NULL,
    as_of         TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    decision      TEXT,
    outcome       TEXT,
    earliest_date TEXT,
    deadlines     TEXT NOT NULL DEFAULT '[]',   -- [{"exam", "id", "date"}]
    verdict       TEXT NOT NULL                 -- the full verdict JSON
);
"""


def _v2_next_deadline(conn: sqlite3.Connection) -> None:
    """Version 2: each verdict's next deadline as a column (for `cases list`), and an index for
    "latest verdict of each case". Filled in for verdicts written by version 1."""
    conn.execute("ALTER TABLE verdicts ADD COLUMN next_deadline TEXT")
    rows = conn.execute("SELECT id, as_of, deadlines FROM verdicts").fetchall()
    for row_id, as_of, deadlines in rows:
        upcoming = sorted(d["date"] for d in json.loads(deadlines) if d.get("date") and d["date"] >= as_of)
        if upcoming:
            conn.execute("UPDATE verdicts SET next_deadline = ? WHERE id = ?", (upcoming[0], row_id))
    conn.execute("CREATE INDEX verdicts_by_case ON verdicts(case_id, id)")


MIGRATIONS: tuple[Step, ...] = (V1, _v2_next_deadline)
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Apply the steps after the file's version up to `target`; returns the version reached.

    `conn` must be in autocommit mode (isolation_level=None): each step is its own
    BEGIN IMMEDIATE ... COMMIT, so two processes opening a new file at once do not both apply it.
    """
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = schema_version(conn)
            if current > SCHEMA_VERSION:
                raise RuntimeError(
                    f"the case book was written by a newer Retake Verdict (schema {current}, this one knows "
                    f"{SCHEMA_VERSION}): upgrade retake-verdict to open it")
            if current >= target:
                conn.execute("COMMIT")
                return current
            step = MIGRATIONS[current]
            if isinstance(step, str):
                for statement in filter(str.strip, step.split(";")):
                    conn.execute(statement)
            else:
                step(conn)
            # PRAGMA takes no parameters; the value is our own integer.
            conn.execute(f"PRAGMA user_version = {current + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
