"""retake-amc: the contract kit, and verdicts for the AMC's policies (scenario tests beside the rules)."""

from __future__ import annotations

from datetime import date
from importlib import metadata
from pathlib import Path

import pytest
import yaml

import retake_amc
from core.errors import ProfileError
from core.testing import assert_plugin_contract, registered_plugin

AS_OF = date(2026, 6, 1)
PROFILES = Path(retake_amc.__file__).parent / "examples"  # the examples the plugin ships


def profile(name: str) -> dict:
    return yaml.safe_load((PROFILES / f"{name}.yaml").read_text())


def test_the_plugin_ships_its_examples(pipeline):
    shipped = {e.name: e for e in pipeline.registry.examples.values() if e.plugin == "amc"}
    assert sorted(shipped) == ["amc-clinical-fail", "amc-mcq-pass"]
    assert shipped["amc-mcq-pass"].title.startswith("A second-attempt AMC CAT MCQ pass at 262")


@pytest.fixture
def pipeline():
    with registered_plugin(retake_amc, "amc") as pipeline:
        yield pipeline


def test_the_plugin_passes_the_contract():
    report = assert_plugin_contract(retake_amc, "amc", as_of=AS_OF,
                                    profiles=[profile("amc-mcq-pass"), profile("amc-clinical-fail")])
    assert sorted(e.id for e in report.exams) == ["amc-cat-mcq", "amc-clinical"]


def test_a_passed_mcq_is_final_and_says_it_is_unconfirmed(pipeline):
    verdict = pipeline.evaluate(profile("amc-mcq-pass"), AS_OF)
    assert verdict.decision == "not_allowed"
    assert verdict.outcome == "build_rest_of_cv"  # no score tiers: a pass is read as a pass
    final = next(r for r in verdict.reasons if r.rule == "amc.passed-final")
    assert final.confidence == "unconfirmed" and "unconfirmed" in final.text
    assert "amc.results-do-not-expire" in [r.rule for r in verdict.reasons]


def test_the_clinical_has_no_attempt_limit(pipeline):
    verdict = pipeline.evaluate(profile("amc-clinical-fail"), AS_OF)
    assert verdict.decision == "retake_required"
    assert verdict.eligibility.attempts_left is None
    assert verdict.eligibility.earliest_date == AS_OF
    rules = [r.rule for r in verdict.reasons]
    assert "amc.clinical-no-attempt-limit" in rules
    assert "amc.clinical-pass-requirement-9-of-14" in rules  # 9 of 14 in 2023: a fail then, a pass now


@pytest.mark.parametrize("day, stations, result", [
    ("2018-06-01", 10, "fail"),   # 2018: 11 for a clear pass (9-10 earned a retest)
    ("2018-06-01", 11, "pass"),
    ("2019-03-01", 10, "pass"),   # 10 of 14 from 20 February 2019
    ("2024-03-20", 9, "fail"),    # the day before the change
    ("2024-03-21", 9, "pass"),    # 9 of 14 from 21 March 2024
])
def test_clinical_sittings_are_judged_by_the_requirement_of_their_day(pipeline, day, stations, result):
    data = dict(profile("amc-clinical-fail"), attempts=[{"date": day, "score": stations}])
    verdict = pipeline.evaluate(data, AS_OF)
    assert verdict.eligibility.passed == (result == "pass")


def test_mcq_scores_off_the_scale_are_refused(pipeline):
    data = profile("amc-mcq-pass")
    data["attempts"][-1]["score"] = 520
    with pytest.raises(ProfileError) as caught:
        pipeline.evaluate(data, AS_OF)
    assert caught.value.errors[0].field == "attempts[1].score"


def test_an_unconfirmed_2026_standard_is_flagged_for_a_failed_mcq(pipeline):
    data = profile("amc-mcq-pass")
    data["attempts"] = [{"date": "2026-02-17", "score": 244}]
    verdict = pipeline.evaluate(data, AS_OF)
    assert verdict.decision == "retake_required"
    reasons = {r.rule: r for r in verdict.reasons}
    assert reasons["amc.mcq-2026-standard"].confidence == "unconfirmed"
    assert "amc.mcq-no-published-limit" in reasons


def test_an_incomplete_mcq_counts_as_a_fail(pipeline):
    data = profile("amc-mcq-pass")
    data["attempts"] = [{"date": "2025-08-12", "result": "incomplete"}]
    verdict = pipeline.evaluate(data, AS_OF)
    assert verdict.eligibility.attempts_used == 1
    assert "amc.mcq-incomplete-is-a-fail" in [r.rule for r in verdict.reasons]


def test_the_entry_point_is_installed():
    found = {ep.name: ep.value for ep in metadata.entry_points(group="retake.plugins")}
    if "amc" not in found:
        pytest.skip("the package is not installed: run `pip install -e .` to check its entry point")
    assert found["amc"] == "retake_amc"
