"""The case book under load and under fire: concurrent writers lose nothing, a killed import leaves
a sound file with whole rows only. Counts rows; no timing."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from core.cases import add_case, open_store, recheck
from core.cases.importing import import_rows

from days import AS_OF  # the one fixed day (tests/days.py)


def _check_whole(path: Path) -> tuple[int, int]:
    """The file opens, SQLite finds it sound, and every case has its profile and at least one verdict."""
    with open_store(path) as store:
        assert store.integrity() == "ok"
        cases, verdicts = store.counts()
        for summary in store.iter_latest():
            assert summary.latest is not None, summary.case.name
            assert summary.case.profile["exam"] == summary.latest.verdict["exam"]
    return cases, verdicts


def test_eight_threads_adding_and_rechecking_lose_nothing(tmp_path: Path, profile_data):
    path = tmp_path / "cases.db"
    open_store(path).close()
    errors: list[BaseException] = []
    per_thread = 15

    def work(worker: int) -> None:
        try:
            with open_store(path) as store:  # each thread its own connection: real lock contention
                for n in range(per_thread):
                    add_case(store, f"t{worker}-{n}", profile_data, AS_OF)
                    if n % 5 == 4:
                        recheck(store, date(2027, 1, 1 + worker))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    cases, verdicts = _check_whole(path)
    assert cases == 8 * per_thread
    assert verdicts >= cases


WORKER = textwrap.dedent("""
    import json, sys
    from datetime import date
    from core.cases import add_case, open_store, recheck
    path, worker, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    profile = json.loads(sys.argv[4])
    with open_store(path) as store:
        for n in range(count):
            add_case(store, f"p{worker}-{n}", profile, date(2026, 11, 25))
            if n % 4 == 3:
                recheck(store, date(2027, 2, 1 + worker))
    print("done", worker)
""")


@pytest.mark.slow
def test_eight_processes_adding_and_rechecking_lose_nothing(tmp_path: Path, profile_data):
    path = tmp_path / "cases.db"
    count = 12
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(path), str(w), str(count), json.dumps(profile_data)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for w in range(8)]
    outputs = [p.communicate(timeout=240) for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, [err[-2000:] for _, err in outputs]
    cases, verdicts = _check_whole(path)
    assert cases == 8 * count
    with open_store(path) as store:
        assert {s.case.name for s in store.summaries()} == {f"p{w}-{n}" for w in range(8) for n in range(count)}


IMPORTER = textwrap.dedent("""
    import sys
    from datetime import date
    from pathlib import Path
    from core.cases import open_store
    from core.cases.importing import import_rows
    with open_store(sys.argv[1]) as store:
        import_rows(store, Path(sys.argv[2]).read_bytes(), "jsonl", date(2026, 11, 25), chunk=int(sys.argv[3]))
""")


def _rows_file(tmp_path: Path, profile_data: dict, rows: int) -> Path:
    source = tmp_path / "many.jsonl"
    lines = []
    for n in range(rows):
        line = dict(profile_data, name=f"row-{n:05d}")
        line["application"] = dict(profile_data["application"], clinical_experience_months=n % 24)
        lines.append(json.dumps(line))
    source.write_text("\n".join(lines) + "\n")
    return source


@pytest.mark.slow
def test_a_killed_import_leaves_whole_rows_only_and_can_be_rerun(tmp_path: Path, profile_data):
    path, rows, chunk = tmp_path / "cases.db", 3000, 50
    source = _rows_file(tmp_path, profile_data, rows)
    proc = subprocess.Popen([sys.executable, "-c", IMPORTER, str(path), str(source), str(chunk)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        seen = 0
        while time.monotonic() < deadline and proc.poll() is None:
            if path.exists():
                try:
                    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
                    seen = conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
                    conn.close()
                except sqlite3.OperationalError:
                    seen = 0  # the schema is not there yet
            if seen >= 3 * chunk:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the import ended before it could be killed: make the file bigger"
        os.kill(proc.pid, signal.SIGKILL)  # no clean-up, no atexit: as a crash or power cut would leave it
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    cases, verdicts = _check_whole(path)
    assert 0 < cases < rows
    assert cases % chunk == 0 and verdicts == cases  # whole transactions only: no case without its verdict

    # Running the same import again finishes it: saved rows are recognised, none is lost or doubled.
    with open_store(path) as store:
        report = import_rows(store, source.read_bytes(), "jsonl", AS_OF, chunk=chunk)
        assert report.count("unchanged") == cases and report.count("added") == rows - cases
        assert store.counts() == (rows, rows)
