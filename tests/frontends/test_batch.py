"""Batch mode: core.batch (reading, judging, writing) and `retake batch` (exit codes, files, no lost row)."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core.batch import (
    OUTPUT_COLUMNS, BatchStats, atomic_writer, column_name, csv_columns, detect_format, judge_rows, output_format,
    profile_rows, records_text,
)
from core.errors import EngineError, ProfileError
from core.pipeline import Pipeline, default_pipeline
from frontends.cli import app

from days import AS_OF as AS_OF_DAY  # the one fixed day (tests/days.py)
AS_OF = AS_OF_DAY.isoformat()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "batch"
HEADER = "exam,attempt1_date,attempt1_score,target_country,target_specialty,plan_months_to_application"
GOOD = "usmle-step2ck,2025-09-14,221,US,internal-medicine,9"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _rows(text: str, fmt: str = "csv"):
    return list(profile_rows(text, fmt))  # type: ignore[arg-type]


def _read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# --- reading CSV -------------------------------------------------------------------------------

def test_csv_row_becomes_a_nested_profile():
    text = ("exam,attempt1_date,attempt1_score,attempt1_part_listening,attempt2_date,attempt2_result,"
            "target_country,plan_evidence,application_letters,exceptions_time_limit_expired,programs_accept_retakes\n"
            "usmle-step2ck,2024-01-02,205,7.5,2025-01-02,pass,US,practice-exams,strong,false,yes\n")
    (number, profile), = _rows(text)
    assert number == 1
    assert profile == {
        "exam": "usmle-step2ck",
        "attempts": [{"date": "2024-01-02", "score": "205", "parts": {"listening": 7.5}},
                     {"date": "2025-01-02", "result": "pass"}],
        "target": {"country": "US"}, "plan": {"evidence": "practice-exams"},
        "application": {"letters": "strong"}, "exceptions": {"time_limit_expired": "false"},
        "programs_accept_retakes": "yes",
    }


def test_every_documented_column_is_accepted():
    header = ",".join(csv_columns(attempts=3))
    rows = _rows(header + "\n" + "," * header.count(",") + "x\n")
    assert len(rows) == 1


def test_csv_header_is_case_insensitive_and_may_carry_a_bom():
    (number, profile), = _rows("\ufeffExam, Attempt1_Date\nusmle-step2ck,2025-09-14\n")
    assert profile == {"exam": "usmle-step2ck", "attempts": [{"date": "2025-09-14"}]}
    (number, profile), = _rows(("exam,attempt1_date\nusmle-step2ck,2025-09-14\n").encode("utf-8-sig"))
    assert profile["exam"] == "usmle-step2ck"


def test_blank_csv_lines_are_not_rows_and_empty_cells_are_left_out():
    # Blank lines give no row but are counted: row N is spreadsheet row N + 1 (the header is row 1).
    rows = _rows(f"{HEADER}\n{GOOD}\n\n,,,,,\n{GOOD}\n\n")
    assert [number for number, _ in rows] == [1, 4]
    (_, profile), = _rows(f"{HEADER}\nusmle-step2ck,2025-09-14,,US,,\n")
    assert profile == {"exam": "usmle-step2ck", "attempts": [{"date": "2025-09-14"}], "target": {"country": "US"}}


@pytest.mark.parametrize("line, field", [
    (GOOD + ",surplus", ""),  # more cells than the header
])
def test_a_bad_csv_row_is_an_error_row_not_a_lost_row(line, field):
    rows = _rows(f"{HEADER}\n{GOOD}\n{line}\n{GOOD}\n")
    assert [number for number, _ in rows] == [1, 2, 3]
    assert isinstance(rows[1][1], ProfileError)
    assert rows[1][1].errors[0].field == field


def test_a_gap_in_the_attempt_columns_names_the_empty_attempt():
    (_, error), = _rows("exam,attempt1_date,attempt2_date\nusmle-step2ck,,2025-01-01\n")
    assert isinstance(error, ProfileError)
    assert error.errors[0].field == "attempt1_date"


@pytest.mark.parametrize("data, needle", [
    ("", "empty"),
    ("   \n\n", "empty"),
    (b"\xff\xfe\x00garbage", "UTF-8"),
    ("exam,attempt1_date\x00\n", "binary"),
    ("exam,attempt1_dat,target_contry\nusmle-step2ck,2025-09-14,US\n", "target_contry"),
    ("exam,exam\nx,y\n", "twice"),
    ("attempt1_date,target_country\n2025-09-14,US\n", "no exam column"),
])
def test_an_unreadable_input_raises_at_once(data, needle):
    with pytest.raises(ProfileError) as info:
        profile_rows(data, "csv")
    assert needle in str(info.value)
    assert info.value.errors[0].field == "IN"


def test_an_unknown_column_lists_the_allowed_ones():
    with pytest.raises(ProfileError) as info:
        profile_rows("exam,attempt1_scor\nx,1\n", "csv")
    assert "attempt1_score" in info.value.errors[0].allowed


# --- reading JSON Lines ------------------------------------------------------------------------

def test_jsonl_rows_are_numbered_by_line_and_bad_lines_are_error_rows():
    good = json.dumps({"exam": "usmle-step2ck"})
    text = f"{good}\n\n{{not json\n[1, 2]\n{good}\n"
    rows = _rows(text, "jsonl")
    assert [number for number, _ in rows] == [1, 3, 4, 5]
    assert rows[0][1] == {"exam": "usmle-step2ck"}
    assert "not valid JSON" in str(rows[1][1])
    assert "not an object" in str(rows[2][1])
    assert rows[3][1] == {"exam": "usmle-step2ck"}


def test_deeply_nested_jsonl_is_an_error_row():
    rows = _rows("[" * 100_000 + "]" * 100_000 + "\n", "jsonl")
    assert isinstance(rows[0][1], ProfileError)


def test_formats_from_names_and_content():
    assert detect_format("people.CSV", "") == "csv"
    assert detect_format("people.jsonl", "") == "jsonl"
    assert detect_format("people.ndjson", "") == "jsonl"
    assert detect_format(None, '  {"exam": 1}') == "jsonl"
    assert detect_format("people.txt", "exam,attempt1_date") == "csv"
    assert output_format("out.jsonl") == "jsonl" and output_format("out.csv") == "csv"
    with pytest.raises(ValueError, match=".xlsx"):
        output_format("out.xlsx")


# --- judging -----------------------------------------------------------------------------------

def test_judged_records_are_flat_and_complete():
    stats = BatchStats()
    records = list(judge_rows(_rows(f"{HEADER}\n{GOOD}\n"), AS_OF_DAY, stats=stats))
    record, = records
    assert tuple(record) == OUTPUT_COLUMNS
    verdict = default_pipeline().evaluate(
        {"exam": "usmle-step2ck", "attempts": [{"date": "2025-09-14", "score": 221}],
         "target": {"country": "US", "specialty": "internal-medicine"}, "plan": {"months_to_application": 9}},
        AS_OF_DAY)
    assert record == {
        "row": 1, "exam": "usmle-step2ck", "decision": verdict.decision, "outcome": verdict.outcome,
        "can_retake": verdict.eligibility.can_retake, "earliest_date": None,
        "attempts_used": 1, "attempts_left": None,  # a passed Step: no "3 left" beside not_allowed
        "band": verdict.band.id, "red_flags": [f.id for f in verdict.red_flags], "error": None,
    }
    assert verdict.decision == "not_allowed" and verdict.eligibility.attempts_left == 3
    assert (stats.judged, stats.input_errors, stats.internal_errors) == (1, 0, 0)


def test_attempts_left_is_shown_only_beside_a_possible_retake_or_as_the_exhausted_zero():
    from core.batch.row_verdicts import attempts_left_shown
    from core.verdict import EligibilityOut

    def shown(can_retake: bool, left: int | None) -> int | None:
        return attempts_left_shown(EligibilityOut(can_retake=can_retake, earliest_date=None, deadline=None,
                                                  attempts_used=1, attempts_left=left,
                                                  passed=not can_retake))

    assert shown(True, 2) == 2 and shown(True, None) is None
    assert shown(False, 3) is None  # passed and final
    assert shown(False, 0) == 0     # the limit reached: the reason no retake is possible


def test_errors_name_the_csv_column_or_the_profile_field():
    text = f"{HEADER}\nusmle-step2ck,2025-09-14,999,US,internal-medicine,9\n"
    record, = judge_rows(_rows(text), AS_OF_DAY, fmt="csv")
    assert record["error"].startswith("attempt1_score:") and "1 to 300" in record["error"]
    assert record["exam"] == "usmle-step2ck" and record["decision"] is None
    line = json.dumps({"exam": "usmle-step2ck", "attempts": [{"date": "2025-09-14", "score": 999}],
                       "target": {"country": "US", "specialty": "internal-medicine"}})
    record, = judge_rows(_rows(line, "jsonl"), AS_OF_DAY, fmt="jsonl")
    assert record["error"].startswith("attempts[0].score:")


@pytest.mark.parametrize("path, column", [
    ("attempts[0].score", "attempt1_score"), ("attempts[11].parts.listening", "attempt12_part_listening"),
    ("target.country", "target_country"), ("plan.months_to_application", "plan_months_to_application"),
    ("exam", "exam"), ("", ""),
])
def test_column_names(path, column):
    assert column_name(path) == column


def test_an_internal_fault_keeps_the_row_and_is_counted(monkeypatch):
    real = Pipeline.evaluate

    def flaky(self, profile, as_of):
        if profile.get("target", {}).get("specialty") == "dermatology":
            raise EngineError("no rule decided")
        return real(self, profile, as_of)

    monkeypatch.setattr(Pipeline, "evaluate", flaky)
    text = f"{HEADER}\n{GOOD}\n{GOOD.replace('internal-medicine', 'dermatology')}\n{GOOD}\n"
    stats = BatchStats()
    records = list(judge_rows(_rows(text), AS_OF_DAY, stats=stats))
    assert [r["row"] for r in records] == [1, 2, 3]
    assert records[1]["error"].startswith("internal fault")
    assert (stats.judged, stats.input_errors, stats.internal_errors) == (2, 0, 1)


def test_a_verdict_the_record_cannot_read_costs_that_row_only(monkeypatch):
    real = Pipeline.evaluate

    class Unreadable:  # a verdict-like value missing what a record reads (a bug somewhere upstream)
        exam = "usmle-step2ck"

    def sometimes_unreadable(self, profile, as_of):
        if profile.get("target", {}).get("specialty") == "dermatology":
            return Unreadable()
        return real(self, profile, as_of)

    monkeypatch.setattr(Pipeline, "evaluate", sometimes_unreadable)
    text = f"{HEADER}\n{GOOD}\n{GOOD.replace('internal-medicine', 'dermatology')}\n{GOOD}\n"
    stats = BatchStats()
    records = list(judge_rows(_rows(text), AS_OF_DAY, stats=stats))
    assert [r["row"] for r in records] == [1, 2, 3]
    assert records[1]["error"].startswith("internal fault: AttributeError")
    assert records[1]["decision"] is None and records[0]["decision"] and records[2]["decision"]
    assert (stats.judged, stats.input_errors, stats.internal_errors) == (2, 0, 1)


def _candidate_lines() -> list[str]:
    import yaml

    folder = EXAMPLES.parent / "candidates"
    return [json.dumps(yaml.safe_load((folder / name).read_text()), default=str)
            for name in ("uk-plab.yaml", "us-usmle.yaml")]


@pytest.mark.parametrize("jobs", [1, 2])
def test_candidate_rows_are_counted_once_each_and_every_row_gives_records(jobs):
    from core.batch import judge_rows_parallel

    uk, us = _candidate_lines()
    one_exam = (EXAMPLES / "profiles.jsonl").read_text().splitlines()[0]
    bad = json.dumps({"target": {"country": "GB"}, "exams": {"plab1": {"attempts": [{"date": "2025-02-30"}]}}})
    lines = [uk, one_exam, bad, us, "{broken", json.dumps({"exams": {}})] * 60  # 360 rows: 2 chunks of 150 and more
    stats = BatchStats()
    records = list(judge_rows_parallel(profile_rows("\n".join(lines) + "\n", "jsonl"), AS_OF_DAY, jobs=jobs,
                                       stats=stats, chunk_rows=150))
    rows = [r["row"] for r in records]
    assert sorted(set(rows)) == list(range(1, 361)) and rows == sorted(rows)
    per_row = {row: [r for r in records if r["row"] == row] for row in (1, 2, 3, 4, 5, 6)}
    assert [r["exam"] for r in per_row[1]] == ["ielts-academic", "plab1", "plab2"]
    assert [r["exam"] for r in per_row[4]] == ["usmle-step1", "usmle-step2ck", "usmle-step3"]
    assert all(len(per_row[n]) == 1 and per_row[n][0]["error"] for n in (3, 5, 6))
    # Each input row counted once: 3 judged and 3 input errors in every six, which give 10 records.
    assert (stats.judged, stats.input_errors, stats.internal_errors) == (180, 180, 0)
    assert stats.rows == 360 and stats.records == len(records) == 600


def test_retake_batch_says_how_many_input_rows_it_read(runner, tmp_path):
    uk, us = _candidate_lines()
    source = tmp_path / "people.jsonl"
    source.write_text(f"{uk}\n{us}\n")
    result = runner.invoke(app, ["batch", str(source), "-o", str(tmp_path / "out.jsonl"), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 6
    assert "2 rows: 2 judged" in result.output


def test_writers_round_trip():
    records = list(judge_rows(_rows(f"{HEADER}\n{GOOD}\n,,,,,x\n"), AS_OF_DAY, fmt="csv"))
    as_csv = _read_csv(records_text(records, "csv"))
    assert [row["row"] for row in as_csv] == ["1", "2"]
    assert tuple(as_csv[0]) == OUTPUT_COLUMNS
    assert as_csv[0]["can_retake"] in ("true", "false") and as_csv[1]["error"]
    as_jsonl = [json.loads(line) for line in records_text(records, "jsonl").splitlines()]
    assert as_jsonl == records


# --- atomic output -----------------------------------------------------------------------------

def test_atomic_writer_publishes_only_at_the_end(tmp_path):
    target = tmp_path / "out.csv"
    with atomic_writer(target) as fh:
        fh.write("partial")
        assert not target.exists()
    assert target.read_text() == "partial"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, RuntimeError])
def test_atomic_writer_leaves_the_old_file_and_no_temp_on_failure(tmp_path, interruption):
    target = tmp_path / "out.csv"
    target.write_text("previous run")
    with pytest.raises(interruption):
        with atomic_writer(target) as fh:
            fh.write("half")
            raise interruption()
    assert target.read_text() == "previous run"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


# --- the example files ------------------------------------------------------------------------

def test_the_example_files_are_judged_without_errors_and_agree():
    judged = {}
    for name in ("profiles.csv", "profiles.jsonl"):
        data = (EXAMPLES / name).read_bytes()
        fmt = detect_format(name, data)
        stats = BatchStats()
        judged[fmt] = list(judge_rows(profile_rows(data, fmt), AS_OF_DAY, stats=stats))
        assert stats.judged == len(judged[fmt]) > 1, [r["error"] for r in judged[fmt]]
    assert judged["csv"] == judged["jsonl"]


# --- retake batch ------------------------------------------------------------------------------

def test_batch_example_to_stdout_exits_0(runner):
    result = runner.invoke(app, ["batch", str(EXAMPLES / "profiles.csv"), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    rows = _read_csv(result.stdout)
    expected = len((EXAMPLES / "profiles.csv").read_text().splitlines()) - 1
    assert expected > 0 and [int(r["row"]) for r in rows] == list(range(1, expected + 1))
    assert [r["error"] for r in rows] == [""] * expected
    assert "judged" in result.stderr


@pytest.mark.parametrize("source, out", [("profiles.csv", "out.jsonl"), ("profiles.jsonl", "out.csv"),
                                         ("profiles.jsonl", "out.ndjson")])
def test_batch_output_format_follows_the_extension(runner, tmp_path, source, out):
    target = tmp_path / out
    result = runner.invoke(app, ["batch", str(EXAMPLES / source), "-o", str(target), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    text = target.read_text()
    if out.endswith(".csv"):
        assert text.startswith(",".join(OUTPUT_COLUMNS))
    else:
        decisions = [json.loads(line)["decision"] for line in text.splitlines()]
        assert decisions and all(decisions)
    assert result.stdout == ""
    assert [p.name for p in tmp_path.iterdir()] == [out]


def test_batch_reads_stdin(runner):
    data = (EXAMPLES / "profiles.jsonl").read_text()
    result = runner.invoke(app, ["batch", "-", "--as-of", AS_OF], input=data)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == len(data.splitlines())
    assert json.loads(lines[0])["row"] == 1


def test_batch_with_error_rows_exits_3_and_keeps_every_row(runner, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(f"{HEADER}\n{GOOD}\nusmle-step2ck,2025-02-30,221,US,internal-medicine,9\n{GOOD}\n")
    target = tmp_path / "out.csv"
    result = runner.invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF])
    assert result.exit_code == 3
    rows = _read_csv(target.read_text())
    assert [r["row"] for r in rows] == ["1", "2", "3"]
    assert rows[1]["error"].startswith("attempt1_date:")
    assert "1 with input errors" in result.stderr


def test_batch_internal_fault_exits_1_after_writing_every_row(runner, tmp_path, monkeypatch):
    def broken(self, profile, as_of):
        raise EngineError("no rule decided")

    monkeypatch.setattr(Pipeline, "evaluate", broken)
    target = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["batch", str(EXAMPLES / "profiles.csv"), "-o", str(target), "--as-of", AS_OF])
    assert result.exit_code == 1
    lines = target.read_text().splitlines()
    assert len(lines) == len((EXAMPLES / "profiles.csv").read_text().splitlines()) - 1
    assert all(json.loads(line)["error"].startswith("internal fault") for line in lines)


@pytest.mark.parametrize("content, needle", [
    (None, "file not found"),
    ("", "empty"),
    ("exam,attempt1_date,favourite_colour\nx,y,z\n", "favourite_colour"),
])
def test_batch_unreadable_input_exits_2_and_writes_nothing(runner, tmp_path, content, needle):
    source = tmp_path / "in.csv"
    if content is not None:
        source.write_text(content)
    target = tmp_path / "out.csv"
    result = runner.invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF])
    assert result.exit_code == 2
    assert needle in result.stderr
    assert not target.exists()
    assert "Traceback" not in result.output


@pytest.mark.parametrize("out, needle", [
    ("missing/out.csv", "does not exist"),
    ("out.xlsx", ".xlsx"),
    (".", "folder"),
])
def test_batch_bad_output_exits_2(runner, tmp_path, out, needle):
    result = runner.invoke(app, ["batch", str(EXAMPLES / "profiles.csv"), "-o", str(tmp_path / out),
                                 "--as-of", AS_OF])
    assert result.exit_code == 2
    assert needle in result.stderr and "-o" in result.stderr


def test_batch_unwritable_folder_exits_2(runner, tmp_path, monkeypatch):
    # Tests may run as root, for whom a read-only folder is still writable: simulate the refusal.
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = runner.invoke(app, ["batch", str(EXAMPLES / "profiles.csv"), "-o", str(tmp_path / "out.csv"),
                                 "--as-of", AS_OF])
    assert result.exit_code == 2
    assert "Permission denied" in result.stderr and "-o" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_batch_leaves_no_half_file(runner, tmp_path, monkeypatch):
    real = Pipeline.evaluate
    calls = []

    def interrupted(self, profile, as_of):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(self, profile, as_of)

    monkeypatch.setattr(Pipeline, "evaluate", interrupted)
    target = tmp_path / "out.csv"
    target.write_text("the previous run's output")
    result = runner.invoke(app, ["batch", str(EXAMPLES / "profiles.csv"), "-o", str(target), "--as-of", AS_OF])
    assert result.exit_code != 0
    assert target.read_text() == "the previous run's output"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_batch_bad_format_option_exits_2(runner):
    result = runner.invoke(app, ["batch", str(EXAMPLES / "profiles.csv"), "--format", "xml", "--as-of", AS_OF])
    assert result.exit_code == 2 and "--format" in result.stderr


# --- 10,000 rows, 10% malformed: exactly 10,000 rows out --------------------------------------

MALFORMED = [
    "usmle-step2ck,2025-02-30,221,US,internal-medicine,9",        # impossible date
    "usmle-step2ck,2025-09-14,999,US,internal-medicine,9",        # off the scale
    "usmle-step2ck,2025-09-14,221,US,astrology,9",                # unknown specialty
    "usmle-step9,2025-09-14,221,US,internal-medicine,9",          # unknown exam
    ",2025-09-14,221,US,internal-medicine,9",                     # missing exam
    "usmle-step2ck,2025-09-14,abc,US,internal-medicine,9",        # not a number
    "usmle-step2ck,2025-09-14,221,USA1,internal-medicine,9",      # bad country
    "usmle-step2ck,2025-09-14,221,US,internal-medicine,-3",       # negative months
    "usmle-step2ck,2025-09-14,221,US,internal-medicine,9,extra",  # a cell too many
    "usmle-step2ck,2027-01-01,221,US,internal-medicine,9",        # after the as-of day
]


@pytest.mark.slow
def test_ten_thousand_rows_with_ten_percent_malformed(runner, tmp_path):
    lines = [MALFORMED[(i // 10) % len(MALFORMED)] if i % 10 == 7 else GOOD for i in range(10_000)]
    source = tmp_path / "big.csv"
    source.write_text(HEADER + "\n" + "\n".join(lines) + "\n")
    target = tmp_path / "big.out.jsonl"
    result = runner.invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF])
    assert result.exit_code == 3, result.output
    records = [json.loads(line) for line in target.read_text().splitlines()]
    assert len(records) == 10_000
    assert [r["row"] for r in records] == list(range(1, 10_001))
    errors = [r for r in records if r["error"]]
    assert len(errors) == 1_000
    assert {r["row"] % 10 for r in errors} == {8}  # exactly the malformed rows, in place
    assert all(r["decision"] for r in records if not r["error"])
    assert "10,000 rows: 9,000 judged, 1,000 with input errors" in result.stderr


# --- issue 16: a batch never loses a row ---------------------------------------------------------

def test_a_broken_quote_is_its_rows_error_and_reading_goes_on():
    rows = _rows(f'{HEADER}\n{GOOD}\nusmle-step2ck,"2025-09-14,221,US\n{GOOD}\n{GOOD}\n')
    assert [number for number, _ in rows] == [1, 2, 3, 4]
    assert isinstance(rows[1][1], ProfileError) and "quote" in str(rows[1][1])
    assert all(isinstance(raw, dict) for _, raw in (rows[0], rows[2], rows[3]))


@pytest.mark.parametrize("bad", [b"usmle-step2ck,2025-09-14,22\xe91,US,internal-medicine,9",
                                 b"usmle-step2ck,2025-09-14,2\x0021,US,internal-medicine,9"])
def test_a_bad_byte_spoils_its_row_not_the_file(bad):
    data = (HEADER + "\n" + GOOD + "\n").encode() + bad + ("\n" + GOOD + "\n").encode()
    rows = list(profile_rows(data, "csv"))
    assert [number for number, _ in rows] == [1, 2, 3]
    assert isinstance(rows[1][1], ProfileError)
    assert "UTF-8" in str(rows[1][1]) or "NUL" in str(rows[1][1])
    assert isinstance(rows[0][1], dict) and isinstance(rows[2][1], dict)


def test_jsonl_huge_integers_and_lone_surrogates_are_row_errors(runner, tmp_path):
    good = json.dumps({"exam": "usmle-step2ck", "attempts": [{"date": "2025-09-14", "score": 221}],
                       "target": {"country": "US", "specialty": "internal-medicine"}})
    lines = [good, '{"exam": "usmle-step2ck", "attempts": [{"date": "2025-09-14", "score": ' + "9" * 5000 + "}]}",
             '{"exam": "\\ud800"}', '{"\\udfff": 1}', good]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n")
    for target in (tmp_path / "out.jsonl", tmp_path / "out.csv"):
        result = runner.invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF, "--no-progress"])
        assert result.exit_code == 3, result.output
        text = target.read_text()
        records = (_read_csv(text) if target.suffix == ".csv" else [json.loads(line) for line in text.splitlines()])
        assert [int(r["row"]) for r in records] == [1, 2, 3, 4, 5]
        assert "number" in records[1]["error"] and "surrogate" in records[2]["error"]
        assert "surrogate" in records[3]["error"] and not records[4]["error"]


def test_output_that_is_the_input_is_refused_naming_both(runner, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(f"{HEADER}\n{GOOD}\n")
    before = source.read_bytes()
    (tmp_path / "sub").mkdir()
    for same in (str(source), str(tmp_path / "sub" / ".." / "in.csv")):
        result = runner.invoke(app, ["batch", str(source), "-o", same, "--as-of", AS_OF])
        assert result.exit_code == 2
        assert same in result.stderr and str(source) in result.stderr
    link = tmp_path / "link.csv"
    link.hardlink_to(source)
    result = runner.invoke(app, ["batch", str(source), "-o", str(link), "--as-of", AS_OF])
    assert result.exit_code == 2
    assert source.read_bytes() == before


def test_a_new_output_file_honours_the_umask(runner, tmp_path):
    import os

    old = os.umask(0o077)
    try:
        target = tmp_path / "private.csv"
        result = runner.invoke(app, ["batch", str(EXAMPLES / "profiles.csv"), "-o", str(target), "--as-of", AS_OF])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert target.stat().st_mode & 0o777 == 0o600


def test_formula_cells_are_neutralised_in_csv_output(runner, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(f'{HEADER}\n"=HYPERLINK(""http://x.example"",""y"")",2025-09-14,221,US,internal-medicine,9\n'
                      f"+1-2,2025-09-14,221,US,internal-medicine,9\n@SUM(A1),2025-09-14,221,US,internal-medicine,9\n")
    target = tmp_path / "out.csv"
    result = runner.invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF])
    assert result.exit_code == 3
    rows = _read_csv(target.read_text())
    assert len(rows) == 3
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value
    assert rows[0]["exam"].startswith("'=HYPERLINK")


def test_jobs_2_gives_the_same_rows_in_the_same_order(runner, tmp_path):
    lines = (EXAMPLES / "profiles.csv").read_text().splitlines()
    body = [lines[1 + i % (len(lines) - 1)] for i in range(900)]
    body[450] = "usmle-step2ck,2025-02-30,221,US,internal-medicine,9"  # an error row in the middle
    source = tmp_path / "in.csv"
    source.write_text(lines[0] + "\n" + "\n".join(body) + "\n")
    outputs = []
    for jobs in ("1", "2"):
        target = tmp_path / f"out{jobs}.jsonl"
        result = runner.invoke(app, ["batch", str(source), "-o", str(target), "--as-of", AS_OF, "--jobs", jobs,
                                     "--no-progress"])
        assert result.exit_code in (0, 3), result.output
        outputs.append(target.read_text())
    assert outputs[0] == outputs[1]
    records = [json.loads(line) for line in outputs[1].splitlines()]
    assert [r["row"] for r in records] == list(range(1, 901))


def test_judge_rows_parallel_matches_judge_rows_and_counts():
    from core.batch import judge_rows_parallel

    lines = (EXAMPLES / "profiles.jsonl").read_text().splitlines()
    text = "\n".join(lines[i % len(lines)] for i in range(500)) + "\n{broken\n"
    serial_stats, parallel_stats = BatchStats(), BatchStats()
    serial = list(judge_rows(profile_rows(text, "jsonl"), AS_OF_DAY, stats=serial_stats))
    parallel = list(judge_rows_parallel(profile_rows(text, "jsonl"), AS_OF_DAY, jobs=2, stats=parallel_stats,
                                        chunk_rows=50))
    assert parallel == serial and len(parallel) == 501
    assert parallel_stats == serial_stats and parallel_stats.input_errors == 1


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP"])
def test_a_signal_mid_batch_leaves_no_part_file(tmp_path, signame):
    import signal
    import subprocess
    import sys
    import time

    lines = (EXAMPLES / "profiles.csv").read_text().splitlines()
    source = tmp_path / "in.csv"
    source.write_text(lines[0] + "\n" + "\n".join(lines[1 + i % (len(lines) - 1)] for i in range(200_000)) + "\n")
    target = tmp_path / "out.csv"
    retake = Path(sys.executable).with_name("retake")
    proc = subprocess.Popen([str(retake), "batch", str(source), "-o", str(target), "--as-of", AS_OF, "--jobs", "1",
                             "--no-progress"], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 600  # start-up can be slow on a loaded machine
    # Signal once rows are being written (the part file has data). A signal in the first instant (the
    # first verdicts, right after the part file appears) is tests/hardening/test_faults.py's
    # test_a_signal_inside_the_first_engine_session_leaves_no_part_file.
    while (not any(p.stat().st_size for p in tmp_path.glob(".out.csv.*.part"))
           and time.monotonic() < deadline):
        time.sleep(0.05)
    assert list(tmp_path.glob(".out.csv.*.part")), "the batch never started writing"
    proc.send_signal(getattr(signal, signame))
    proc.wait(timeout=60)
    assert proc.returncode != 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_workers_start_even_when_the_host_runs_an_unguarded_main_script(tmp_path, monkeypatch):
    # Streamlit's AppTest (and other hosts) run a temporary script as __main__ that fails when
    # re-run; spawn would re-run it in every worker. The workers must not depend on it.
    import sys
    import types

    from core.batch import judge_rows_parallel

    script = tmp_path / "host.py"
    script.write_text("raise SystemExit('this host script must not run in a worker')\n")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    lines = (EXAMPLES / "profiles.jsonl").read_text().splitlines()
    text = "\n".join(lines[i % len(lines)] for i in range(300)) + "\n"
    parallel = list(judge_rows_parallel(profile_rows(text, "jsonl"), AS_OF_DAY, jobs=2, chunk_rows=50))
    assert parallel == list(judge_rows(profile_rows(text, "jsonl"), AS_OF_DAY))
    assert not any(r["error"] for r in parallel)
