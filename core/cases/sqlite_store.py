"""The default case book: one SQLite file (stdlib sqlite3), WAL journal, every write a transaction.

Why these settings: WAL lets readers (a `list`, the dashboard) run while a writer commits, and a
crash or SIGKILL mid-write leaves the last committed state (SQLite's journal is replayed or
discarded on the next open). `synchronous=FULL` makes a commit durable once it returns, even on
power loss. `busy_timeout` makes a second writer wait for the first instead of failing. Writes use
BEGIN IMMEDIATE so a writer takes the lock before reading what it will change (no lost updates).
One connection per store, guarded by a lock: a store may be shared between threads.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Sequence

from core.cases.migrations import SCHEMA_VERSION, migrate
from core.cases.paths import default_db_path
from core.cases.store import (
    AddResult, Case, CaseError, CaseExists, CaseNotFound, CaseSummary, NewCase, VerdictRecord,
)

BUSY_TIMEOUT_MS = 30_000
_CASE_COLUMNS = "id, name, profile, revision, created_at, updated_at"
_VERDICT_COLUMNS = ("id, checked_at, as_of, rules_version, decision, outcome, earliest_date, next_deadline, "
                    "deadlines, verdict")


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _case(row: Sequence[Any]) -> Case:
    return Case(id=row[0], name=row[1], profile=json.loads(row[2]), revision=row[3], created_at=row[4],
                updated_at=row[5])


def _verdict(row: Sequence[Any]) -> VerdictRecord:
    return VerdictRecord(id=row[0], checked_at=row[1], as_of=row[2], rules_version=row[3], decision=row[4],
                         outcome=row[5], earliest_date=row[6], next_deadline=row[7],
                         deadlines=tuple(json.loads(row[8])), verdict=json.loads(row[9]))



def _switch_to_wal(conn: sqlite3.Connection) -> str:
    """`PRAGMA journal_mode = WAL`, waiting out other processes opening the same new file.

    Switching a new file to WAL needs a lock that SQLite does not wait for through busy_timeout:
    with eight processes opening one new case book at once, one got "database is locked" at once
    (seen in CI on a slow host). Retried for up to the busy timeout, as a write would wait.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


class SQLiteStore:
    """A CaseStore in one SQLite file. Open with `open_store` (creates and migrates the file)."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = str(path)
        self._lock = threading.RLock()
        # isolation_level=None: sqlite3 opens no implicit transactions; we say BEGIN and COMMIT.
        self._conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                     check_same_thread=False)
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = _switch_to_wal(self._conn)
            if str(mode).lower() != "wal":  # e.g. a file system without shared memory
                raise CaseError(f"the case book {self.path} cannot use WAL journaling (got {mode})", field="--db")
            self._conn.execute("PRAGMA synchronous = FULL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            # A removed case is overwritten with zeros in the file, not merely unlinked (privacy).
            self._conn.execute("PRAGMA secure_delete = ON")
            migrate(self._conn)
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise CaseError(f"{self.path} is not a readable case book: {exc}", field="--db",
                            allowed="a case-book file made by `retake cases`, or a new file name") from None
        except BaseException:
            self._conn.close()
            raise

    # --- plumbing ---------------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed whole when the block ends, rolled back on any error."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for several SELECTs (WAL: writers are not blocked meanwhile)."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                self._conn.execute("COMMIT")

    def _case_row(self, conn: sqlite3.Connection, name: str) -> Case:
        row = conn.execute(f"SELECT {_CASE_COLUMNS} FROM cases WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise CaseNotFound(f"no case named {name!r}", allowed="a name from `retake cases list`")
        return _case(row)

    @staticmethod
    def _insert_verdict(conn: sqlite3.Connection, case_id: int, verdict: VerdictRecord, now: str) -> None:
        conn.execute(
            "INSERT INTO verdicts (case_id, checked_at, as_of, rules_version, decision, outcome, earliest_date, "
            "next_deadline, deadlines, verdict) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (case_id, now, verdict.as_of, verdict.rules_version, verdict.decision, verdict.outcome,
             verdict.earliest_date, verdict.next_deadline, _dump(list(verdict.deadlines)), _dump(verdict.verdict)),
        )

    # --- the CaseStore protocol --------------------------------------------------------------------

    def add(self, name: str, profile: dict[str, Any], verdict: VerdictRecord) -> Case:
        result = self.add_many([NewCase(name, profile, verdict)])
        if result.refused or result.unchanged:
            raise CaseExists(f"a case named {name!r} already exists",
                             allowed="another name, or `retake cases update NAME PROFILE`")
        return self.get(name)

    def add_many(self, items: Sequence[NewCase]) -> AddResult:
        result = AddResult()
        now = _now()
        with self._write() as conn:
            for item in items:
                text = _dump(item.profile)
                row = conn.execute("SELECT id, profile FROM cases WHERE name = ?", (item.name,)).fetchone()
                if row is None:
                    cursor = conn.execute(
                        "INSERT INTO cases (name, profile, created_at, updated_at) VALUES (?, ?, ?, ?)",
                        (item.name, text, now, now))
                    self._insert_verdict(conn, int(cursor.lastrowid or 0), item.verdict, now)
                    result.added.append(item.name)
                elif row[1] == text:
                    result.unchanged.append(item.name)
                elif item.replace:
                    conn.execute("UPDATE cases SET profile = ?, revision = revision + 1, updated_at = ? WHERE id = ?",
                                 (text, now, row[0]))
                    self._insert_verdict(conn, row[0], item.verdict, now)
                    result.updated.append(item.name)
                else:
                    result.refused.append((item.name, f"a case named {item.name!r} already exists "
                                                      "with another profile"))
        return result

    def update(self, name: str, profile: dict[str, Any], verdict: VerdictRecord) -> Case:
        now = _now()
        with self._write() as conn:
            case = self._case_row(conn, name)
            conn.execute("UPDATE cases SET profile = ?, revision = revision + 1, updated_at = ? WHERE id = ?",
                         (_dump(profile), now, case.id))
            self._insert_verdict(conn, case.id, verdict, now)
        return self.get(name)

    def remove(self, name: str) -> int:
        with self._write() as conn:
            case = self._case_row(conn, name)
            deleted = conn.execute("DELETE FROM verdicts WHERE case_id = ?", (case.id,)).rowcount
            conn.execute("DELETE FROM cases WHERE id = ?", (case.id,))
        # Deleted pages are zeroed on the next checkpoint only if secure_delete is on; make the
        # removal real in the file too, not just unreachable (privacy: `remove` really deletes).
        self._checkpoint()
        return deleted

    def _checkpoint(self) -> None:
        with self._lock:
            try:
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.OperationalError:
                pass  # another connection is reading: its own close checkpoints later

    def get(self, name: str) -> Case:
        with self._read() as conn:
            return self._case_row(conn, name)

    def history(self, name: str) -> list[VerdictRecord]:
        with self._read() as conn:
            case = self._case_row(conn, name)
            rows = conn.execute(f"SELECT {_VERDICT_COLUMNS} FROM verdicts WHERE case_id = ? ORDER BY id",
                                (case.id,)).fetchall()
        return [_verdict(row) for row in rows]

    _LATEST = (
        "SELECT c.id, c.name, c.profile, c.revision, c.created_at, c.updated_at, "
        "v.id, v.checked_at, v.as_of, v.rules_version, v.decision, v.outcome, v.earliest_date, v.next_deadline, "
        "v.deadlines, v.verdict, (SELECT COUNT(*) FROM verdicts n WHERE n.case_id = c.id) "
        "FROM cases c LEFT JOIN verdicts v ON v.id = (SELECT MAX(id) FROM verdicts w WHERE w.case_id = c.id) "
    )

    @staticmethod
    def _summary(row: Sequence[Any]) -> CaseSummary:
        latest = _verdict(row[6:16]) if row[6] is not None else None
        return CaseSummary(case=_case(row[:6]), latest=latest, verdicts=row[16])

    def summaries(self) -> list[CaseSummary]:
        with self._read() as conn:
            rows = conn.execute(self._LATEST + "ORDER BY c.name").fetchall()
        return [self._summary(row) for row in rows]

    def summary(self, name: str) -> CaseSummary:
        with self._read() as conn:
            row = conn.execute(self._LATEST + "WHERE c.name = ?", (name,)).fetchone()
        if row is None:
            raise CaseNotFound(f"no case named {name!r}", allowed="a name from `retake cases list`")
        return self._summary(row)

    def iter_latest(self, chunk: int = 500) -> Iterator[CaseSummary]:
        # Pages by name without holding a read transaction across the caller's work.
        last = ""  # names are never empty (see core.cases.operations.check_name)
        while True:
            with self._read() as conn:
                rows = conn.execute(self._LATEST + "WHERE c.name > ? ORDER BY c.name LIMIT ?", (last, chunk)).fetchall()
            if not rows:
                return
            for row in rows:
                yield self._summary(row)
            last = rows[-1][1]

    def record(self, items: Iterable[tuple[Case, VerdictRecord]]) -> int:
        now = _now()
        filed = 0
        with self._write() as conn:
            for case, verdict in items:
                # Only if the case still exists with the profile that was judged.
                still = conn.execute("SELECT 1 FROM cases WHERE id = ? AND revision = ?",
                                     (case.id, case.revision)).fetchone()
                if still is None:
                    continue
                self._insert_verdict(conn, case.id, verdict, now)
                filed += 1
        return filed

    def counts(self) -> tuple[int, int]:
        with self._read() as conn:
            cases = conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
            verdicts = conn.execute("SELECT COUNT(*) FROM verdicts").fetchone()[0]
        return int(cases), int(verdicts)

    def integrity(self) -> str:
        """SQLite's own check of the file: 'ok' when sound."""
        with self._lock:
            return str(self._conn.execute("PRAGMA integrity_check").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> "SQLiteStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(path: Optional[str | os.PathLike[str]] = None) -> SQLiteStore:
    """Open (creating and migrating when needed) the case book at `path`, default `default_db_path()`.

    A new file and its folder are made readable by this user only: cases are personal data.
    """
    target = Path(path) if path is not None else default_db_path()
    if target.is_dir():
        raise CaseError(f"{target} is a folder", field="--db", allowed="a file path, e.g. cases.db")
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not target.exists():
            os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o600))
    except OSError as exc:
        raise CaseError(f"cannot create the case book {target}: {exc.strerror or exc}", field="--db",
                        allowed="a writable folder") from None
    return SQLiteStore(target)


__all__ = ["SCHEMA_VERSION", "SQLiteStore", "open_store"]
