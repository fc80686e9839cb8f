"""The whole pipeline, including all five flowchart ends through a test-only exam.

No built-in exam allows a retake after a pass with free choice, so a test-only plugin registers
one for the duration of a test (its pipeline is built per test and dropped afterwards).
"""

from __future__ import annotations

import pytest

from core import hookimpl
from core.dated_values import DatedValues, Source
from core.errors import EngineError, ProfileError
from core.exams import Assessment, Band, Eligibility, ExamSpec, Scale
from core.scoring import band_for, first_pass, judge_attempts
from core.pipeline import Pipeline
from core.plugins import build_registry
from core.rules import Rule, decision, fact
from core.verdict import Verdict
from days import AS_OF  # the one fixed day (tests/days.py)

SRC = Source("Testland exam board rules", "https://testland.example/rules")
BANDS = (
    Band("low", "50-64", 50, 64, rank=1, fits_up_to=30, source=SRC),
    Band("mid", "65-79", 65, 79, rank=2, fits_up_to=60, source=SRC),
    Band("high", "80-100", 80, 100, rank=3, fits_up_to=90, source=SRC),
    Band("fail", "below 50", 0, 49, rank=0, fits_up_to=0, source=SRC),
)
TESTLAND = ExamSpec(
    id="testland-exam", name="Testland Exam", country="TL", authority="Testland Board", sources=(SRC,),
    retake_after_pass="allowed", retake_after_pass_source=SRC,
    scale=DatedValues.constant(Scale(0, 100), SRC), pass_mark=DatedValues.constant(50.0, SRC),
    attempt_limit=DatedValues.constant(5, SRC), bands=DatedValues.constant(BANDS, SRC),
    big_gain=10, small_gain=4,
)


class TestlandPlugin:
    """A retake-after-pass exam with five attempts; the sixth is not allowed."""

    @hookimpl
    def retake_register_exams(self, register):
        register(TESTLAND)

    @hookimpl
    def retake_register_rules(self, register):
        register(Rule(
            id="testland.attempts-exhausted", title="Five attempts used",
            when={"e": fact("eligibility", plugin="testland", blocked_by="attempts-exhausted")},
            then=[decision("not_allowed")], text="All five Testland attempts are used.", source=SRC,
        ))

    @hookimpl
    def retake_assess(self, exam, profile, as_of):
        judged = judge_attempts(exam, profile.attempts)
        passing = first_pass(judged)
        used = len(judged)
        left = max(5 - used, 0)
        eligibility = Eligibility(passed=passing is not None, can_retake=left > 0, attempts_used=used,
                                  attempts_left=left, earliest_date=as_of if left else None,
                                  blocked_by=None if left else "attempts-exhausted")
        scored = judged[-1]
        return Assessment(exam=exam, attempts=judged, eligibility=eligibility, score=scored.score,
                          band=band_for(BANDS, scored.score),
                          predicted_band=band_for(BANDS, profile.plan.predicted_score))


@pytest.fixture
def testland():
    pipeline = Pipeline(build_registry(extra=[("testland", TestlandPlugin())], entry_points=False))
    yield pipeline


def profile(score=55, predicted=None, evidence="practice-exams", stance="yes", months=9, attempts=None, **target):
    return {
        "exam": "testland-exam",
        "attempts": attempts or [{"date": "2026-03-01", "score": score}],
        "target": {"country": "US", "specialty": "internal-medicine", "setting": "community", **target},
        "plan": {"predicted_score": predicted, "evidence": evidence, "months_to_application": months, "prep_months": 4},
        "programs_accept_retakes": stance,
    }


@pytest.mark.parametrize(
    ("data", "decision_", "outcome", "path"),
    [
        (profile(score=70), "do_not_retake", "build_rest_of_cv", [False]),
        (profile(score=55), "do_not_retake", "adjust_targets", [True, False]),
        (profile(score=55, predicted=70, stance="no"), "do_not_retake", "improve_other_areas", [True, True, False]),
        (profile(score=55, predicted=70, months=2), "do_not_retake", "apply_with_current_score", [True, True, True, False]),
        (profile(score=55, predicted=70), "retake", "plan_focused_retake", [True, True, True, True]),
    ],
    ids=["C", "E", "G", "I", "J"],
)
def test_all_five_flowchart_ends(testland, data, decision_, outcome, path):
    verdict = testland.evaluate(data, AS_OF)
    assert (verdict.decision, verdict.outcome) == (decision_, outcome)
    assert [step.answer for step in verdict.path] == path
    assert all(step.rules for step in verdict.path)


def test_verdict_validates_against_the_contract(testland):
    verdict = testland.evaluate(profile(score=55, predicted=70), AS_OF)
    data = verdict.to_json_dict()
    assert Verdict.model_validate(data) == verdict
    assert set(data) >= {"exam", "as_of", "decision", "outcome", "path", "eligibility", "band", "red_flags",
                         "reasons", "actions", "rules_version"}
    assert data["as_of"] == "2026-11-25"
    for reason in data["reasons"]:
        assert reason["rule"] and reason["source"] and reason["text"]
        assert "{" not in reason["text"], reason["text"]  # every placeholder rendered


def test_not_passed_requires_a_retake_and_has_no_outcome(testland):
    verdict = testland.evaluate(profile(score=40), AS_OF)
    assert verdict.decision == "retake_required"
    assert verdict.outcome is None
    assert verdict.eligibility.earliest_date == AS_OF


def test_exhausted_attempts_are_not_allowed(testland):
    attempts = [{"date": f"2026-0{m}-01", "score": 40} for m in range(1, 6)]
    verdict = testland.evaluate(profile(attempts=attempts), AS_OF)
    assert verdict.decision == "not_allowed"
    assert verdict.eligibility.attempts_left == 0
    assert "testland.attempts-exhausted" in [r.rule for r in verdict.reasons]


def test_same_input_same_verdict(testland):
    first = testland.evaluate(profile(score=55, predicted=70), AS_OF)
    assert testland.evaluate(profile(score=55, predicted=70), AS_OF) == first


def test_rules_version_changes_with_the_rules(testland):
    plain = Pipeline(build_registry(entry_points=False))
    assert plain.rules_version != testland.rules_version


def test_rules_version_changes_with_an_exams_dated_values_alone():
    # Same rules, same plugin version; only the pass mark gains a dated entry: stored verdicts must
    # be re-judged, so the version moves (issue 14's recheck depends on it).
    import dataclasses
    from datetime import date

    from core.dated_values import Dated

    raised = DatedValues.of(Dated(50.0, date(2000, 1, 1), SRC), Dated(55.0, date(2027, 1, 1), SRC))

    class Later(TestlandPlugin):
        @hookimpl
        def retake_register_exams(self, register):
            register(dataclasses.replace(TESTLAND, pass_mark=raised))

    def version(plugin) -> str:
        return Pipeline(build_registry(extra=[("testland", plugin)], entry_points=False)).rules_version

    assert version(TestlandPlugin()) == version(TestlandPlugin())  # stable
    assert version(Later()) != version(TestlandPlugin())


def test_unknown_exam_lists_the_loaded_ones(testland):
    with pytest.raises(ProfileError) as caught:
        testland.evaluate({**profile(), "exam": "nope"}, AS_OF)
    (error,) = caught.value.errors
    assert error.field == "exam" and "testland-exam" in error.allowed


def test_unknown_specialty_lists_the_known_ones(testland):
    with pytest.raises(ProfileError) as caught:
        testland.evaluate(profile(specialty="astrology"), AS_OF)
    (error,) = caught.value.errors
    assert error.field == "target.specialty" and "internal-medicine" in error.allowed


def test_future_attempt_and_off_scale_score_are_named(testland):
    data = profile(attempts=[{"date": "2027-01-01", "score": 120}])
    with pytest.raises(ProfileError) as caught:
        testland.evaluate(data, AS_OF)
    fields = {e.field for e in caught.value.errors}
    assert fields == {"attempts[0].date", "attempts[0].score"}


def test_predicted_score_off_scale(testland):
    with pytest.raises(ProfileError, match="plan.predicted_score"):
        testland.evaluate(profile(predicted=150), AS_OF)


def test_a_plugin_that_leaves_a_state_undecided_is_an_engine_error():
    class Undecided(TestlandPlugin):
        @hookimpl
        def retake_register_rules(self, register):
            return None

    pipeline = Pipeline(build_registry(extra=[("testland", Undecided())], entry_points=False))
    attempts = [{"date": f"2026-0{m}-01", "score": 40} for m in range(1, 6)]
    with pytest.raises(EngineError, match="no rule decided"):
        pipeline.evaluate(profile(attempts=attempts), AS_OF)


def test_usmle_example_matches_the_contract_example(profile_data, as_of):
    from core import evaluate

    verdict = evaluate(profile_data, as_of)
    assert verdict.decision == "not_allowed"
    assert verdict.outcome == "build_rest_of_cv"
    assert verdict.path[0].question == "blocks_target" and verdict.path[0].answer is False
    assert "framework.band-fits-target" in verdict.path[0].rules
    assert verdict.band.id == "usable" and (verdict.band.low, verdict.band.high) == (220, 235)
    assert "usmle.no-repeat-after-pass" in [r.rule for r in verdict.reasons]
