"""USMLE plugin: dated pass standards, Step 1 pass/fail, attempt limits, the 2012 waiting rules, bands."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from core.errors import ProfileError
from plugins.usmle.eligibility import earliest_next_attempt

AS_OF = date(2026, 11, 25)


def profile(exam: str, attempts: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    data = {"exam": exam, "attempts": attempts, "target": {"country": "US", "specialty": "internal-medicine"}}
    data.update(extra)
    return data


def fired(verdict) -> list[str]:
    return [reason.rule for reason in verdict.reasons]


# --- Step 2 CK pass standard, by test date -----------------------------------------------------

@pytest.mark.parametrize("day, score, passed", [
    ("2025-06-01", 216, True),    # 214 in force
    ("2025-08-01", 216, False),   # 218 in force
    ("2025-06-30", 214, True), ("2025-06-30", 213, False),
    ("2025-07-01", 218, True), ("2025-07-01", 217, False),
    ("2025-07-02", 218, True),
    ("2022-06-30", 209, True), ("2022-07-01", 209, False), ("2022-07-01", 214, True),
    ("2014-06-30", 203, True), ("2014-07-01", 208, False),
])
def test_step2ck_score_judged_by_the_standard_of_its_date(decide, day, score, passed):
    verdict = decide(profile("usmle-step2ck", [{"date": day, "score": score}]))
    assert verdict.eligibility.passed is passed
    assert verdict.decision == ("not_allowed" if passed else "retake_required")


@pytest.mark.parametrize("day, score, passed", [
    ("2023-12-31", 198, True), ("2023-12-31", 197, False), ("2024-01-01", 199, False), ("2024-01-01", 200, True),
])
def test_step3_standard_changes_on_2024_01_01(decide, day, score, passed):
    assert decide(profile("usmle-step3", [{"date": day, "score": score}])).eligibility.passed is passed


def test_step1_pass_fail_from_2022_01_26(decide):
    assert decide(profile("usmle-step1", [{"date": "2022-01-25", "score": 196}])).eligibility.passed
    with pytest.raises(ProfileError) as caught:
        decide(profile("usmle-step1", [{"date": "2022-01-26", "score": 230}]))
    assert caught.value.errors[0].field == "attempts[0].score"
    verdict = decide(profile("usmle-step1", [{"date": "2022-01-26", "result": "pass"}]))
    assert verdict.decision == "not_allowed" and "usmle.step1-pass-fail" in fired(verdict)
    assert decide(profile("usmle-step1", [{"date": "2022-01-27", "result": "pass"}])).eligibility.passed


@pytest.mark.parametrize("score, band", [(219, "below-220"), (220, "usable"), (235, "usable"), (236, "usable-upper"),
                                         (239, "usable-upper"), (240, "helps")])
def test_step2ck_bands(decide, score, band):
    verdict = decide(profile("usmle-step2ck", [{"date": "2025-09-14", "score": score}]))
    assert verdict.band.id == band


def test_236_to_239_is_placed_and_explained(decide):
    verdict = decide(profile("usmle-step2ck", [{"date": "2025-09-14", "score": 237}]))
    assert "seed names no tier for 236-239" in verdict.band.note


# --- Retake after a pass and the time-limit exception ------------------------------------------

def test_pass_is_final(decide):
    verdict = decide(profile("usmle-step2ck", [{"date": "2025-09-14", "score": 221}]))
    assert verdict.decision == "not_allowed" and "usmle.no-repeat-after-pass" in fired(verdict)


def test_attempt_after_pass_is_rejected_without_the_exception(decide):
    attempts = [{"date": "2019-09-14", "score": 221}, {"date": "2025-09-14", "score": 230}]
    with pytest.raises(ProfileError, match="cannot be retaken"):
        decide(profile("usmle-step2ck", attempts))


def test_time_limit_exception_reopens_the_step(decide):
    verdict = decide(profile("usmle-step2ck", [{"date": "2017-09-14", "score": 221}],
                             exceptions={"time_limit_expired": True}))
    assert verdict.decision == "retake_required"
    assert "usmle.time-limit-exception" in fired(verdict)


# --- Attempt limits ----------------------------------------------------------------------------

DAYS = ["2023-01-10", "2023-04-10", "2023-07-10", "2024-07-11", "2025-01-12", "2025-07-13"]


@pytest.mark.parametrize("count, decision, left", [(3, "retake_required", 1), (4, "not_allowed", 0), (5, "not_allowed", 0)])
def test_attempt_limit_n_minus_1_n_n_plus_1(decide, count, decision, left):
    attempts = [{"date": d, "result": "fail"} for d in DAYS[:count]]
    verdict = decide(profile("usmle-step2ck", attempts))
    assert verdict.decision == decision and verdict.eligibility.attempts_left == left
    assert "usmle.transcript-shows-every-attempt" in fired(verdict)


@pytest.mark.parametrize("as_of, decision, rule", [
    (date(2021, 6, 30), "retake_required", None),
    (date(2021, 7, 1), "not_allowed", "usmle.attempt-limit-reached"),
])
def test_limit_of_six_before_july_2021(decide, as_of, decision, rule):
    attempts = [{"date": d, "result": "fail"} for d in ("2018-01-10", "2018-06-10", "2019-06-11", "2020-06-12")]
    verdict = decide(profile("usmle-step2ck", attempts), as_of)
    assert verdict.decision == decision
    if rule:
        assert rule in fired(verdict)


def test_incomplete_attempts_count(decide):
    attempts = [{"date": d, "result": r} for d, r in zip(DAYS, ("fail", "incomplete", "fail", "incomplete"))]
    assert decide(profile("usmle-step2ck", attempts)).decision == "not_allowed"


# --- Waiting rules (2012) ----------------------------------------------------------------------

@pytest.mark.parametrize("dates, expected", [
    # 4th attempt: 12 months after the 1st and 6 months after the latest; the latest + 6 lands on a leap day
    (["2023-02-28", "2023-05-01", "2023-08-31"], date(2024, 2, 29)),
    # from 31 January: 12 months later is 31 January; 6 months after 31 July is 31 January
    (["2023-01-31", "2023-03-01", "2023-07-31"], date(2024, 1, 31)),
    # 6 months after 31 August 2022 clamps to 28 February 2023 (no leap day)
    (["2022-02-15", "2022-05-01", "2022-08-31"], date(2023, 2, 28)),
    # two attempts: no wait beyond the next day
    (["2023-01-31", "2023-03-01"], date(2023, 3, 2)),
])
def test_earliest_next_attempt(dates, expected):
    assert earliest_next_attempt([date.fromisoformat(d) for d in dates], date(2022, 9, 1)) == expected


@pytest.mark.parametrize("as_of, earliest, waiting", [
    (date(2024, 2, 28), date(2024, 2, 29), True),
    (date(2024, 2, 29), date(2024, 2, 29), False),
    (date(2024, 3, 1), date(2024, 3, 1), False),
])
def test_fourth_attempt_wait_ending_on_leap_day(decide, as_of, earliest, waiting):
    attempts = [{"date": d, "result": "fail"} for d in ("2023-02-28", "2023-05-01", "2023-08-31")]
    verdict = decide(profile("usmle-step2ck", attempts), as_of)
    assert verdict.eligibility.earliest_date == earliest
    assert ("usmle.waiting-period" in fired(verdict)) is waiting


def test_waiting_rules_effective_2012(decide):
    attempts = [{"date": d, "result": "fail"} for d in ("2011-03-01", "2011-05-01", "2011-07-01")]
    before = decide(profile("usmle-step2ck", attempts), date(2011, 12, 31))
    assert before.eligibility.earliest_date == date(2011, 12, 31)
    on = decide(profile("usmle-step2ck", attempts), date(2012, 1, 1))
    assert on.eligibility.earliest_date == date(2012, 3, 1)


def test_whole_scores_only(decide):
    with pytest.raises(ProfileError, match="whole numbers"):
        decide(profile("usmle-step2ck", [{"date": "2025-09-14", "score": 221.5}]))


def test_matched_img_context_for_us_targets(decide):
    verdict = decide(profile("usmle-step2ck", [{"date": "2025-09-14", "score": 221}]))
    reason = next(r for r in verdict.reasons if r.rule == "usmle.context.matched-img-mean")
    assert "2013 Match" in reason.text and reason.confidence == "medium"
