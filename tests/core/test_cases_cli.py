"""`retake cases …` through typer.testing.CliRunner: every command, its exit codes and its --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from core import examples
from frontends.cli import app

AS_OF = ["--as-of", "2026-11-25"]


@pytest.fixture
def db(tmp_path: Path, monkeypatch) -> Path:
    path = tmp_path / "book.db"
    monkeypatch.setenv("RETAKE_DB", str(path))
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name in ("plab1-borderline", "usmle-step2ck-low-pass", "mccqe1-new-scale"):
        out[name] = tmp_path / f"{name}.yaml"
        out[name].write_text(examples.text(name), encoding="utf-8")
    return out


def run(*args: str):
    return CliRunner().invoke(app, ["cases", *args])


def test_add_list_show_and_remove(db, files):
    for name, path in files.items():
        assert run("add", name, str(path), *AS_OF).exit_code == 0
    listed = run("list", "--json")
    assert listed.exit_code == 0
    rows = json.loads(listed.stdout)
    assert [r["name"] for r in rows] == sorted(files)
    plab = next(r for r in rows if r["name"] == "plab1-borderline")
    assert plab["decision"] == "not_allowed" and plab["next_deadline"] == "2028-03-11" and plab["verdicts"] == 1

    human = run("list")
    assert "plab1-borderline" in human.stdout and "2028-03-11" in human.stdout

    shown = json.loads(run("show", "plab1-borderline", "--json").stdout)
    assert shown["profile"]["exam"] == "plab1" and shown["verdicts"][0]["verdict"]["exam"] == "plab1"

    again = run("add", "plab1-borderline", str(files["plab1-borderline"]), *AS_OF, "--json")
    assert again.exit_code == 2
    assert json.loads(again.stdout)["errors"][0]["field"] == "NAME"

    removed = run("remove", "plab1-borderline", "--json")
    assert removed.exit_code == 0 and json.loads(removed.stdout)["verdicts_deleted"] == 1
    missing = run("show", "plab1-borderline")
    assert missing.exit_code == 2 and "no case named" in missing.stderr


def test_a_bad_profile_names_its_field_and_saves_nothing(db, tmp_path: Path):
    data = examples.load("usmle-step2ck-low-pass")
    data["attempts"][0]["score"] = 999
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data))
    result = run("add", "bad", str(bad), *AS_OF, "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["errors"][0]["field"] == "attempts[0].score"
    assert json.loads(run("list", "--json").stdout) == []
    assert run("add", "x", str(tmp_path / "nope.yaml")).exit_code == 2


def test_update_adds_to_the_history(db, files, tmp_path: Path):
    run("add", "c", str(files["usmle-step2ck-low-pass"]), *AS_OF)
    data = examples.load("usmle-step2ck-low-pass")
    data["plan"]["months_to_application"] = 1
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(data))
    result = run("update", "c", str(changed), *AS_OF, "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["verdicts"] == 2
    assert run("update", "nobody", str(changed), *AS_OF).exit_code == 2


def test_recheck_exits_4_only_when_something_changed(db, files):
    run("add", "plab", str(files["plab1-borderline"]), *AS_OF)
    run("add", "usmle", str(files["usmle-step2ck-low-pass"]), *AS_OF)
    same = run("recheck", *AS_OF, "--json")
    assert same.exit_code == 0 and json.loads(same.stdout)["changed"] == 0

    later = run("recheck", "--as-of", "2028-06-01", "--json")
    assert later.exit_code == 4
    body = json.loads(later.stdout)
    assert [c["name"] for c in body["cases"]] == ["plab"]
    assert "plab.passed-part-final" in body["cases"][0]["rules"]
    human = run("recheck", "--as-of", "2028-06-01", "--no-save")
    assert human.exit_code == 0  # the changed verdict was saved by the run before: nothing new since
    assert "0 changed" in human.stderr


def test_recheck_human_output_says_what_changed(db, files):
    run("add", "plab", str(files["plab1-borderline"]), *AS_OF)
    result = run("recheck", "--as-of", "2028-06-01", "--no-save")
    assert result.exit_code == 4
    assert "plab: CHANGED" in result.stdout
    assert "decision not_allowed -> retake_required" in result.stdout
    assert "(not saved: --no-save)" in result.stderr


def test_export_and_import_round_trip(db, files, tmp_path: Path):
    for name, path in files.items():
        run("add", name, str(path), *AS_OF)
    exported = tmp_path / "cases.jsonl"
    assert run("export", "-o", str(exported)).exit_code == 0
    assert len(exported.read_text().splitlines()) == 3
    csv_out = run("export", "--format", "csv")
    assert csv_out.stdout.splitlines()[0].startswith("name,exams,decision")
    assert len(csv_out.stdout.splitlines()) == 4

    other = tmp_path / "other.db"
    imported = run("import", str(exported), "--db", str(other), *AS_OF, "--json")
    assert imported.exit_code == 0 and json.loads(imported.stdout)["added"] == 3
    rerun = run("import", str(exported), "--db", str(other), *AS_OF, "--json")
    assert rerun.exit_code == 0 and json.loads(rerun.stdout)["unchanged"] == 3
    assert run("export", "--format", "xml").exit_code == 2


def test_import_of_a_batch_csv_keeps_every_row(db, tmp_path: Path):
    source = tmp_path / "clients.csv"
    source.write_text(
        "name,exam,attempt1_date,attempt1_score,target_country,target_specialty\n"
        "amira,usmle-step2ck,2025-09-14,221,US,internal-medicine\n"
        "\n"
        ",usmle-step2ck,2025-09-14,230,US,internal-medicine\n"
        "bad,usmle-step2ck,2025-09-14,999,US,internal-medicine\n"
        "amira,usmle-step2ck,2025-09-14,240,US,internal-medicine\n")
    result = run("import", str(source), *AS_OF, "--json")
    assert result.exit_code == 3
    body = json.loads(result.stdout)
    assert body["rows"] == 4
    statuses = [(r["name"], r["status"]) for r in body["results"]]
    unnamed = body["results"][1]
    # core.batch numbers the rows (its rule for blank lines is its own); a row without a name is named by it.
    assert unnamed["name"] == f"clients-{unnamed['row']}"
    assert statuses == [("amira", "added"), (unnamed["name"], "added"), ("bad", "error"), ("amira", "refused")]
    assert [r["row"] for r in body["results"]] == sorted({r["row"] for r in body["results"]})
    assert "attempt1_score" in body["results"][2]["message"]
    assert {r["name"] for r in json.loads(run("list", "--json").stdout)} == {"amira", unnamed["name"]}


def test_db_option_and_bad_db(tmp_path: Path, files):
    chosen = tmp_path / "chosen.db"
    assert run("add", "a", str(files["plab1-borderline"]), *AS_OF, "--db", str(chosen)).exit_code == 0
    assert chosen.exists()
    junk = tmp_path / "junk.db"
    junk.write_text("not a database " * 200)
    result = run("list", "--db", str(junk), "--json")
    assert result.exit_code == 2 and json.loads(result.stdout)["errors"][0]["field"] == "--db"
    assert run("path", "--db", str(chosen)).stdout.strip() == str(chosen)


CANDIDATES = Path(__file__).resolve().parents[2] / "examples" / "candidates"


def test_multi_exam_profiles_are_saved_listed_and_rechecked(db):
    """`retake cases add` with a candidate profile (issue 11's `exams:` form) works like a one-exam one:
    one verdict per exam in the history, one line per exam in the list, recheck per exam."""
    for name in ("ca-mcc", "uk-plab", "us-usmle"):
        added = run("add", name, str(CANDIDATES / f"{name}.yaml"), *AS_OF)
        assert added.exit_code == 0, added.stdout + added.stderr
    rows = {r["name"]: r for r in json.loads(run("list", "--json").stdout)}
    assert rows["ca-mcc"]["exams"] == ["mccqe1", "nac"]
    assert "mccqe1=" in rows["ca-mcc"]["decision"] and "nac=" in rows["ca-mcc"]["decision"]
    shown = json.loads(run("show", "uk-plab", "--json").stdout)
    assert set(shown["verdicts"][0]["verdict"]["verdicts"]) >= {"ielts-academic", "plab1"}
    human = run("list").stdout
    assert "still to sit" in human  # an exam listed without sittings, in words, beside its id
    assert run("recheck", *AS_OF).exit_code == 0
    later = run("recheck", "--as-of", "2029-06-01", "--json", "--no-save")
    assert later.exit_code == 4
    changed = json.loads(later.stdout)["cases"]
    assert changed and all(c["changes"] and all(ch["exam"] for ch in c["changes"]) for c in changed)
