"""The candidate's verdict: one Verdict per sat exam, one timeline; one-exam output byte-identical."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from core.candidate_verdict import evaluate_candidate
from core.errors import ProfileError
from core.pipeline import default_pipeline
from core.timeline import KINDS
from frontends.cli import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(ROOT.glob("plugins/*/examples/*.yaml"))  # the examples the built-in plugins ship
AS_OF = "2026-11-25"


def _as_exams_form(data: dict) -> dict:
    data = dict(data)
    exam = data.pop("exam")
    entry = {"attempts": data.pop("attempts")}
    for key in ("plan", "programs_accept_retakes"):
        if key in data:
            entry[key] = data.pop(key)
    return {**data, "exams": {exam: entry}}


def _decide_json(runner: CliRunner, path: Path) -> str:
    result = runner.invoke(app, ["decide", str(path), "--json", "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_one_exam_json_is_byte_identical_in_both_forms(example, tmp_path):
    runner = CliRunner()
    one_exam = _decide_json(runner, example)
    as_exams = tmp_path / "as-exams.yaml"
    as_exams.write_text(yaml.safe_dump(_as_exams_form(yaml.safe_load(example.read_text()))))
    assert _decide_json(runner, as_exams) == one_exam
    # ...and both are exactly the Verdict the one-exam pipeline gives, as `decide --json` prints it.
    verdict = default_pipeline().evaluate(yaml.safe_load(example.read_text()), date.fromisoformat(AS_OF))
    assert one_exam == json.dumps(verdict.to_json_dict(), indent=2, ensure_ascii=False, default=str) + "\n"


def test_mccqe1_and_nac_give_both_verdicts_and_one_timeline():
    data = {"target": {"country": "CA", "specialty": "family-medicine"},
            "exams": {"mccqe1": {"attempts": [{"date": "2025-04-22", "score": 431}, {"date": "2025-10-15", "score": 446}]},
                      "nac": {"attempts": [{"date": "2025-09-06", "result": "fail"}]}}}
    out = evaluate_candidate(data, date(2026, 1, 15)).to_json_dict()
    assert list(out) == ["as_of", "verdicts", "timeline", "rules_version"]
    assert {k: v["decision"] for k, v in out["verdicts"].items()} == {"mccqe1": "not_allowed", "nac": "retake_required"}
    nac_rules = [r["rule"] for r in out["verdicts"]["nac"]["reasons"]]
    assert "mccqe.carms-needs-both" in nac_rules and "mccqe.carms-other-exam-missing" not in nac_rules
    part1_rules = [r["rule"] for r in out["verdicts"]["mccqe1"]["reasons"]]
    assert "mccqe.carms-other-exam-missing" in part1_rules  # the NAC is not passed yet
    assert {e["exam"] for e in out["timeline"]} == {"mccqe1", "nac"}
    days = [e["date"] for e in out["timeline"]]
    assert days == sorted(days)
    for event in out["timeline"]:
        assert set(event) == {"date", "exam", "kind", "rule", "text", "source", "days_left"}
        assert event["kind"] in KINDS
        assert event["days_left"] == (date.fromisoformat(event["date"]) - date(2026, 1, 15)).days


def test_exams_still_to_sit_get_no_verdict_but_their_dates():
    data = yaml.safe_load((ROOT / "examples" / "candidates" / "uk-plab.yaml").read_text())
    result = evaluate_candidate(data, date(2025, 6, 1))
    assert list(result.verdicts) == ["ielts-academic", "plab1"] and result.to_sit == ["plab2"]
    plab2 = [(e.kind, e.date.isoformat()) for e in result.timeline if e.exam == "plab2"]
    assert plab2 == [("window_opens", "2025-03-10"), ("deadline", "2027-03-09")]
    english = [e for e in result.timeline if e.kind == "validity_end"]
    assert [(e.exam, e.date.isoformat()) for e in english] == [("ielts-academic", "2026-11-01")]


def test_errors_name_the_exam_path_and_unknown_exams():
    data = {"target": {"country": "US", "specialty": "internal-medicine"},
            "exams": {"usmle-step2ck": {"attempts": [{"date": "2025-09-14", "score": 400}]}, "usmle-step4": {}}}
    with pytest.raises(ProfileError) as caught:
        evaluate_candidate(data, date(2026, 11, 25))
    fields = {e.field: e for e in caught.value.errors}
    assert "exams.usmle-step2ck.attempts[0].score" in fields
    assert "usmle-step1" in fields["exams.usmle-step4"].allowed


def test_decide_prints_tables_and_the_timeline_for_several_exams():
    result = CliRunner().invoke(app, ["decide", str(ROOT / "examples" / "candidates" / "us-usmle.yaml"),
                                      "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert "USMLE Step 2 CK · as of" in result.stdout and "A retake is not allowed" in result.stdout
    assert "usmle.attempt-limit-other-step" in result.stdout and "Timeline" in result.stdout
    assert "USMLE Step 3: not sat yet, and a limit passed on" in result.stdout  # closed by the Step 1 limit
    refused = CliRunner().invoke(app, ["decide", str(ROOT / "examples" / "candidates" / "us-usmle.yaml"),
                                       "--as-of", AS_OF, "--what-if"])
    assert refused.exit_code == 2 and "one exam at a time" in refused.output


def test_batch_gets_one_pair_per_listed_exam_in_order(profile_data):
    data = yaml.safe_load((ROOT / "examples" / "candidates" / "uk-plab.yaml").read_text())
    from core.candidate_verdict import verdicts_for_batch

    pairs = verdicts_for_batch(data, date(2025, 6, 1))
    assert [(exam, v.decision if v else None) for exam, v in pairs] == [
        ("ielts-academic", "do_not_retake"), ("plab1", "not_allowed"), ("plab2", None)]
    ((exam, verdict),) = verdicts_for_batch(profile_data, date(2026, 11, 25))
    assert verdict == default_pipeline().evaluate(profile_data, date(2026, 11, 25))


def test_a_candidate_batch_row_gives_one_record_per_exam_and_never_loses_a_row():
    from core.batch.row_verdicts import BatchStats, judge_rows

    uk = yaml.safe_load((ROOT / "examples" / "candidates" / "uk-plab.yaml").read_text())
    bad = {"target": uk["target"], "exams": {"plab1": {"attempts": [{"date": "2025-02-30"}]}}}
    stats = BatchStats()
    records = list(judge_rows([(1, uk), (2, bad), (3, {"exams": "x"})], date(2025, 6, 1), stats=stats))
    assert [(r["row"], r["exam"], r["decision"]) for r in records] == [
        (1, "ielts-academic", "do_not_retake"), (1, "plab1", "not_allowed"), (1, "plab2", None),
        (2, None, None), (3, None, None)]
    assert "exams.plab1.attempts[0].date" in records[3]["error"] and records[2]["error"] is None
    assert {r["row"] for r in records} == {1, 2, 3} and stats.input_errors == 2


def test_to_sit_limits_give_the_next_limit_and_the_latest_passed_one():
    from datetime import date as day

    from core.timeline import Event, to_sit_limits

    def event(on: str, exam: str, kind: str, days_left: int) -> Event:
        return Event(day.fromisoformat(on), exam, kind, "x.rule", "text", None, days_left)

    timeline = [event("2024-01-01", "plab2", "window_opens", -700), event("2025-01-01", "plab2", "deadline", -300),
                event("2025-06-01", "plab2", "validity_end", -150), event("2026-01-01", "plab1", "deadline", 30),
                event("2026-02-01", "plab2", "deadline", 60), event("2026-03-01", "plab2", "earliest_retake", 90)]
    ahead, passed = to_sit_limits(timeline, "plab2")
    assert ahead.date == day(2026, 2, 1) and passed.date == day(2025, 6, 1)
    assert to_sit_limits(timeline, "usmle-step3") == (None, None)
