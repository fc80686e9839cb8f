"""The case book's storage: the SQLite file, its migrations, where it lives, and what add/update/remove do."""

from __future__ import annotations

import copy
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from core.cases import (
    SCHEMA_VERSION, CaseError, CaseExists, CaseNotFound, add_case, default_db_path, open_store, update_case,
)
from core.cases.migrations import migrate, schema_version
from core.cases.operations import check_name
from core.cases.store import NewCase
from core.errors import ProfileError

from days import AS_OF  # the one fixed day (tests/days.py)


@pytest.fixture
def store(tmp_path: Path):
    with open_store(tmp_path / "cases.db") as opened:
        yield opened


# --- where the file lives ----------------------------------------------------------------------------

def test_default_path_follows_retake_db_then_xdg(tmp_path: Path):
    assert default_db_path({"RETAKE_DB": str(tmp_path / "x.db")}) == tmp_path / "x.db"
    assert default_db_path({"XDG_DATA_HOME": str(tmp_path)}) == tmp_path / "retake-verdict" / "cases.db"
    # A relative XDG_DATA_HOME is invalid by the spec and ignored.
    assert default_db_path({"XDG_DATA_HOME": "rel"}) == Path.home() / ".local/share/retake-verdict/cases.db"
    assert default_db_path({}) == Path.home() / ".local/share/retake-verdict/cases.db"


def test_a_new_book_is_private_to_its_user(tmp_path: Path):
    path = tmp_path / "deep" / "folder" / "cases.db"
    open_store(path).close()
    assert path.stat().st_mode & 0o077 == 0
    assert path.parent.stat().st_mode & 0o077 == 0


# --- migrations --------------------------------------------------------------------------------------

def test_an_empty_file_is_migrated_to_the_current_schema(tmp_path: Path):
    path = tmp_path / "empty.db"
    path.touch()  # a zero-byte file is an empty SQLite database
    with open_store(path) as store:
        assert store.counts() == (0, 0)
        assert store.integrity() == "ok"
    conn = sqlite3.connect(path)
    assert schema_version(conn) == SCHEMA_VERSION == 2
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    columns = {row[1] for row in conn.execute("PRAGMA table_info(verdicts)")}
    assert {"next_deadline", "verdict", "rules_version", "as_of", "decision"} <= columns


def test_a_version_1_book_is_migrated_and_keeps_its_rows(tmp_path: Path):
    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=1) == 1
    conn.execute("INSERT INTO cases (name, profile, created_at, updated_at) VALUES ('old', '{\"exam\": \"plab1\"}', "
                 "'2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')")
    deadlines = [{"exam": "plab1", "id": "past", "date": "2026-01-01"},
                 {"exam": "plab1", "id": "plab2-window", "date": "2028-03-11"}]
    conn.execute("INSERT INTO verdicts (case_id, checked_at, as_of, rules_version, decision, outcome, earliest_date, "
                 "deadlines, verdict) VALUES (1, '2026-01-01T00:00:00+00:00', '2026-11-25', 'abc', 'not_allowed', "
                 "'build_rest_of_cv', NULL, ?, '{\"exam\": \"plab1\"}')", (json.dumps(deadlines),))
    conn.close()

    with open_store(path) as store:
        (summary,) = store.summaries()
        assert summary.case.name == "old" and summary.case.profile == {"exam": "plab1"}
        assert summary.latest.decision == "not_allowed"
        assert summary.latest.next_deadline == "2028-03-11"  # filled in by migration 2 (the past one skipped)
        assert store.counts() == (1, 1)
    assert schema_version(sqlite3.connect(path)) == SCHEMA_VERSION


def test_a_book_from_a_newer_version_is_refused_not_damaged(tmp_path: Path):
    path = tmp_path / "new.db"
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(RuntimeError, match="newer"):
        open_store(path)
    assert schema_version(sqlite3.connect(path)) == SCHEMA_VERSION + 1


def test_a_file_that_is_not_a_database_is_named(tmp_path: Path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database " * 100)
    with pytest.raises(CaseError, match="not a readable case book") as caught:
        open_store(path)
    assert caught.value.field == "--db"
    assert path.read_text().startswith("these are my notes")  # left alone


# --- add, update, remove -------------------------------------------------------------------------

def test_add_stores_the_profile_and_its_first_verdict(store, profile_data):
    case = add_case(store, "  amira  ", profile_data, AS_OF)
    assert case.name == "amira" and case.revision == 1
    assert case.profile["attempts"][0]["date"] == "2025-09-14"
    (verdict,) = store.history("amira")
    assert verdict.as_of == "2026-11-25" and verdict.decision == verdict.verdict["decision"]
    assert verdict.rules_version == verdict.verdict["rules_version"]
    assert verdict.verdict["exam"] == "usmle-step2ck"
    with pytest.raises(CaseExists):
        add_case(store, "amira", profile_data, AS_OF)


def test_yaml_dates_are_stored_as_iso_days(store, profile_data):
    profile_data["attempts"][0]["date"] = date(2025, 9, 14)
    case = add_case(store, "dated", profile_data, AS_OF)
    assert case.profile["attempts"][0]["date"] == "2025-09-14"


def test_a_bad_profile_is_refused_and_nothing_is_stored(store, profile_data):
    profile_data["attempts"][0]["score"] = 999
    with pytest.raises(ProfileError) as caught:
        add_case(store, "bad", profile_data, AS_OF)
    assert "attempts[0].score" in str(caught.value)
    assert store.counts() == (0, 0)


@pytest.mark.parametrize("name", ["", "   ", "a\tb", "x" * 121, "new\nline"])
def test_bad_names_are_refused(name):
    with pytest.raises(CaseError):
        check_name(name)


def test_update_keeps_the_history(store, profile_data):
    add_case(store, "amira", profile_data, AS_OF)
    changed = copy.deepcopy(profile_data)
    changed["plan"]["months_to_application"] = 2
    with pytest.raises(CaseNotFound):
        update_case(store, "nobody", changed, AS_OF)
    case = update_case(store, "amira", changed, AS_OF)
    assert case.revision == 2 and case.profile["plan"]["months_to_application"] == 2
    assert [v.as_of for v in store.history("amira")] == ["2026-11-25", "2026-11-25"]
    assert store.counts() == (1, 2)


def test_remove_really_deletes(store, profile_data, tmp_path: Path):
    profile_data["application"]["clinical_experience_months"] = 7
    add_case(store, "secret-name-xyzzy", profile_data, AS_OF)
    add_case(store, "keep", profile_data, AS_OF)
    assert store.remove("secret-name-xyzzy") == 1
    with pytest.raises(CaseNotFound):
        store.get("secret-name-xyzzy")
    assert store.counts() == (1, 1)
    store.close()
    # secure_delete and a truncating checkpoint: the name is gone from the bytes on disk too.
    for part in tmp_path.glob("cases.db*"):
        assert b"secret-name-xyzzy" not in part.read_bytes(), part.name


def test_add_many_is_all_or_nothing(store, profile_data):
    from core.cases import judge_profile
    from core.pipeline import default_pipeline

    verdict = judge_profile(default_pipeline(), profile_data, AS_OF)

    good = NewCase("one", profile_data, verdict)
    bad = NewCase("two", {"unserialisable": object()}, verdict)  # json.dumps fails mid-transaction
    with pytest.raises(TypeError):
        store.add_many([good, bad])
    assert store.counts() == (0, 0)
    result = store.add_many([good, NewCase("one", profile_data, verdict), NewCase("three", profile_data, verdict)])
    assert result.added == ["one", "three"] and result.unchanged == ["one"]
    assert store.counts() == (2, 2)


def test_record_skips_a_case_changed_or_removed_meanwhile(store, profile_data):
    from core.cases import judge_profile
    from core.pipeline import default_pipeline

    case = add_case(store, "a", profile_data, AS_OF)
    gone = add_case(store, "b", profile_data, AS_OF)
    verdict = judge_profile(default_pipeline(), profile_data, AS_OF)
    update_case(store, "a", profile_data, AS_OF)  # revision 2: a verdict of revision 1 is stale
    store.remove("b")
    assert store.record([(case, verdict), (gone, verdict)]) == 0
    assert store.counts() == (1, 2)


def test_iter_latest_pages_through_every_case(store, profile_data):
    from core.cases import judge_profile
    from core.pipeline import default_pipeline

    verdict = judge_profile(default_pipeline(), profile_data, AS_OF)
    store.add_many([NewCase(f"case-{n:04d}", profile_data, verdict) for n in range(1234)])
    names = [s.case.name for s in store.iter_latest(chunk=100)]
    assert names == sorted(names) and len(set(names)) == 1234
    assert all(s.latest is not None and s.verdicts == 1 for s in store.iter_latest(chunk=500))
