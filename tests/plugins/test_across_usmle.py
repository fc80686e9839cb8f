"""USMLE rules across Steps, as data: candidate in, fired rules and decision out."""

from __future__ import annotations

from datetime import date

import pytest

from core.candidate_verdict import evaluate_candidate

AS_OF = date(2026, 11, 25)
TARGET = {"country": "US", "specialty": "internal-medicine"}


def _fails(n: int, start_year: int = 2022) -> list[dict]:
    # Step 1 pass/fail sittings, spaced so the waiting rules never refuse one.
    return [{"date": f"{start_year + i}-0{1 + i}-10", "result": "fail"} for i in range(n)]


def _candidate(step1_fails: int, step2: list[dict], **extra) -> dict:
    return {"target": TARGET, **extra,
            "exams": {"usmle-step1": {"attempts": _fails(step1_fails)}, "usmle-step2ck": {"attempts": step2}}}


def _rules(verdict) -> list[str]:
    return [r.rule for r in verdict.reasons]


@pytest.mark.parametrize(("fails", "decision", "fired"), [
    (4, "not_allowed", True),        # the limit at Step 1 ends eligibility for Step 2 CK too
    (3, "retake_required", False),   # three do not
])
def test_four_failed_step1_attempts_make_a_step2ck_retake_not_allowed(fails, decision, fired):
    result = evaluate_candidate(_candidate(fails, [{"date": "2026-03-02", "score": 205}]), AS_OF)
    step2 = result.verdicts["usmle-step2ck"]
    assert step2.decision == decision
    assert ("usmle.attempt-limit-other-step" in _rules(step2)) is fired
    if fired:
        reason = next(r for r in step2.reasons if r.rule == "usmle.attempt-limit-other-step")
        assert "4 attempts at USMLE Step 1 without a pass reach the limit of 4" in reason.text
        assert reason.source.startswith("https://www.usmle.org") and reason.effective == date(2021, 7, 1)
        assert step2.eligibility.can_retake is False and step2.eligibility.earliest_date is None
    assert result.verdicts["usmle-step1"].decision == ("not_allowed" if fails == 4 else "retake_required")


def test_a_pass_at_the_other_step_keeps_the_limit_per_step():
    data = _candidate(3, [{"date": "2026-03-02", "score": 205}])
    data["exams"]["usmle-step1"]["attempts"].append({"date": "2025-12-10", "result": "pass"})
    step2 = evaluate_candidate(data, AS_OF).verdicts["usmle-step2ck"]
    assert step2.decision == "retake_required" and "usmle.attempt-limit-other-step" not in _rules(step2)


def test_time_limit_exception_needs_the_full_sequence_including_step3():
    passes = {"usmle-step1": {"attempts": [{"date": "2016-05-02", "score": 230}]},
              "usmle-step2ck": {"attempts": [{"date": "2017-05-02", "score": 240}]}}
    data = {"target": TARGET, "exceptions": {"time_limit_expired": True}, "exams": dict(passes)}
    without_step3 = evaluate_candidate(data, AS_OF).verdicts["usmle-step1"]
    assert without_step3.decision == "not_allowed"
    assert "usmle.time-limit-needs-full-sequence" in _rules(without_step3)
    assert "USMLE Step 3" in next(r.text for r in without_step3.reasons
                                  if r.rule == "usmle.time-limit-needs-full-sequence")

    data["exams"]["usmle-step3"] = {"attempts": [{"date": "2018-05-02", "score": 215}]}
    with_step3 = evaluate_candidate(data, AS_OF).verdicts["usmle-step1"]
    assert "usmle.time-limit-exception" in _rules(with_step3)
    assert "usmle.time-limit-needs-full-sequence" not in _rules(with_step3)
    assert with_step3.decision != "not_allowed"


def test_a_one_exam_profile_is_judged_on_that_step_alone(profile_data):
    profile_data["exceptions"] = {"time_limit_expired": True}
    verdict = evaluate_candidate(profile_data, AS_OF).single
    assert "usmle.time-limit-needs-full-sequence" not in _rules(verdict)


# --- Step 2 CS (discontinued 2021-01-26): its sittings count toward the limit across Steps -----------

def _cs(fails: int, passed: bool = False) -> list[dict]:
    days = ["2019-03-01", "2019-08-01", "2020-01-10", "2020-09-01", "2021-01-25"]
    sittings = [{"date": day, "result": "fail"} for day in days[:fails]]
    if passed:
        sittings.append({"date": days[fails], "result": "pass"})
    return sittings


@pytest.mark.parametrize(("fails", "decision"), [(4, "not_allowed"), (3, "retake_required")])
def test_four_failed_step2cs_sittings_end_eligibility_for_step2ck_and_three_do_not(fails, decision):
    result = evaluate_candidate({"target": TARGET, "exams": {
        "usmle-step2cs": {"attempts": _cs(fails)},
        "usmle-step2ck": {"attempts": [{"date": "2026-03-02", "score": 205}]}}}, AS_OF)
    step2ck = result.verdicts["usmle-step2ck"]
    assert step2ck.decision == decision
    assert ("usmle.attempt-limit-other-step" in _rules(step2ck)) is (fails == 4)
    if fails == 4:
        reason = next(r for r in step2ck.reasons if r.rule == "usmle.attempt-limit-other-step")
        assert "4 attempts at USMLE Step 2 CS without a pass" in reason.text


@pytest.mark.parametrize("passed", [False, True])
def test_step2cs_itself_can_never_be_sat_again(passed):
    result = evaluate_candidate({"target": TARGET, "exams": {
        "usmle-step2cs": {"attempts": _cs(1, passed=passed)},
        "usmle-step2ck": {"attempts": [{"date": "2026-03-02", "score": 230}]}}}, AS_OF)
    cs = result.verdicts["usmle-step2cs"]
    assert cs.decision == "not_allowed" and cs.eligibility.passed is passed and not cs.eligibility.can_retake
    reason = next(r for r in cs.reasons if r.rule == "usmle.step2cs-discontinued")
    assert "discontinued on 2021-01-26" in reason.text and reason.effective == date(2021, 1, 26)
    assert result.verdicts["usmle-step2ck"].decision == "not_allowed"  # the CK pass stands on its own


@pytest.mark.parametrize(("day", "refused"), [("2021-01-25", False), ("2021-01-26", True)])
def test_a_step2cs_sitting_on_or_after_its_discontinuation_is_refused(day, refused):
    from core.errors import ProfileError

    candidate = {"target": TARGET, "exams": {"usmle-step2cs": {"attempts": [{"date": day, "result": "fail"}]}}}
    if refused:
        with pytest.raises(ProfileError) as caught:
            evaluate_candidate(candidate, AS_OF)
        assert "usmle-step2cs" in caught.value.errors[0].field and "2021-01-26" in caught.value.errors[0].message
    else:
        assert evaluate_candidate(candidate, AS_OF).verdicts["usmle-step2cs"].decision == "not_allowed"


@pytest.mark.parametrize(("fails", "closed"), [(4, True), (3, False)])
def test_a_step_still_to_sit_is_shown_closed_once_another_step_is_exhausted(fails, closed):
    # Step 3 listed with no sittings: four failed Step 1 attempts close it from the fourth sitting's
    # day (the timeline said nothing, so Step 3 read as open); three leave it open.
    profile = {"target": TARGET, "exams": {"usmle-step1": {"attempts": _fails(fails)}, "usmle-step3": {"attempts": []}}}
    result = evaluate_candidate(profile, AS_OF)
    events = [e for e in result.timeline if e.exam == "usmle-step3"]
    if not closed:
        assert events == []
        return
    (event,) = events
    assert event.date == date(2025, 4, 10) and event.rule == "usmle.attempt-limit-reached"
    assert "USMLE Step 3 is closed to you" in event.text and "4 attempts at USMLE Step 1" in event.text
    assert event.days_left < 0 and event.source.startswith("https://www.usmle.org/")


@pytest.mark.parametrize(("fails", "closed"), [(4, True), (3, False)])
def test_step2cs_failures_close_a_step_still_to_sit_from_the_day_the_limit_took_effect(fails, closed):
    # Four Step 2 CS fails, all before the four-attempt limit of 2021-07-01 (six attempts then): Step 3
    # is closed from 2021-07-01, not from the 2020 sitting. Step 2 CS verdicts gave no date before.
    profile = {"target": TARGET, "exams": {"usmle-step2cs": {"attempts": _cs(fails)}, "usmle-step3": {"attempts": []}}}
    events = [e for e in evaluate_candidate(profile, AS_OF).timeline if e.exam == "usmle-step3"]
    if not closed:
        assert events == []
        return
    (event,) = events
    assert event.date == date(2021, 7, 1) and event.rule == "usmle.attempt-limit-reached"
    assert "4 attempts at USMLE Step 2 CS without a pass reached the limit of 4 (in force from 2021-07-01)" in event.text


def test_a_one_exam_profile_gets_no_closing_dates_for_other_steps():
    result = evaluate_candidate({"exam": "usmle-step1", "attempts": _fails(4), "target": TARGET}, AS_OF)
    assert result.single.eligibility.deadlines == []
