"""MCCQE plugin: Part I scales and attempts, the 4th-attempt wait, the NAC, Part II, Canada context."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from core.dated_values import DatedValues
from core.calendar_math import anniversary
from core.engine import Engine, clock_fact
from core.errors import ProfileError
from plugins.mccqe import policy, rules
from plugins.mccqe.eligibility import next_session_start

from days import AS_OF  # the one fixed day (tests/days.py)


def profile(exam: str, attempts: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    data = {"exam": exam, "attempts": attempts, "target": {"country": "CA", "specialty": "family-medicine"}}
    data.update(extra)
    return data


def fired(verdict) -> list[str]:
    return [reason.rule for reason in verdict.reasons]


# --- Dated scales and pass scores --------------------------------------------------------------

@pytest.mark.parametrize("day, score, passed", [
    ("2018-06-01", 226, True), ("2018-06-01", 225, False), ("2024-10-31", 226, True), ("2024-10-31", 225, False),
    ("2025-04-01", 439, True), ("2025-04-01", 438, False), ("2026-05-01", 600, True), ("2026-05-01", 300, False),
])
def test_score_judged_by_the_scale_of_its_date(decide, day, score, passed):
    verdict = decide(profile("mccqe1", [{"date": day, "score": score}]))
    assert verdict.eligibility.passed is passed
    assert verdict.decision == ("not_allowed" if passed else "retake_required")


@pytest.mark.parametrize("day, score", [
    ("2018-05-31", 250),   # day before the 100-400 scale
    ("2024-11-01", 250),   # first day of the gap between scales
    ("2025-03-31", 450),   # last day of the gap
    ("2024-10-31", 450),   # new-scale number on the old scale's last day
    ("2025-04-01", 250),   # old-scale number on the new scale's first day
])
def test_scores_off_the_scale_in_force_are_rejected(decide, day, score):
    with pytest.raises(ProfileError) as caught:
        decide(profile("mccqe1", [{"date": day, "score": score}]))
    assert caught.value.errors[0].field == "attempts[0].score"


def test_gap_sitting_with_a_result_is_accepted_with_a_note(decide):
    verdict = decide(profile("mccqe1", [{"date": "2025-01-15", "result": "fail"}]))
    assert verdict.decision == "retake_required"
    assert any("2024-11-01 and 2025-03-31" in note for note in verdict.eligibility.notes)


@pytest.mark.parametrize("day, score, band", [
    ("2023-05-01", 225, "below-pass"), ("2023-05-01", 226, "below-mean"), ("2023-05-01", 249, "below-mean"),
    ("2023-05-01", 250, "above-mean"), ("2023-05-01", 279, "above-mean"), ("2023-05-01", 280, "top"),
    ("2025-05-01", 438, "below-pass"), ("2025-05-01", 439, "below-mean"), ("2025-05-01", 449, "below-mean"),
    ("2025-05-01", 450, "above-mean"), ("2025-05-01", 479, "above-mean"), ("2025-05-01", 480, "top"),
])
def test_bands_by_sd_from_cohort_mean(decide, day, score, band):
    verdict = decide(profile("mccqe1", [{"date": day, "score": score}]))
    assert verdict.band.id == band and verdict.band.heuristic


def test_scale_reason_gives_sd_distance(decide):
    verdict = decide(profile("mccqe1", [{"date": "2025-05-01", "score": 465}]))
    reason = next(r for r in verdict.reasons if r.rule == "mccqe.scale-2025")
    assert "+0.5 SD" in reason.text
    old = decide(profile("mccqe1", [{"date": "2023-05-01", "score": 226}]))
    assert "-0.8 SD" in next(r for r in old.reasons if r.rule == "mccqe.scale-2018").text


def test_scores_are_whole_numbers(decide):
    with pytest.raises(ProfileError, match="whole numbers"):
        decide(profile("mccqe1", [{"date": "2025-05-01", "score": 440.5}]))


# --- Attempts ----------------------------------------------------------------------------------

def f(day: str, result: str = "fail", **extra: Any) -> dict[str, Any]:
    return {"date": day, "result": result, **extra}


@pytest.mark.parametrize("count, decision, left", [(3, "retake_required", 1), (4, "not_allowed", 0), (5, "not_allowed", 0)])
def test_attempt_limit_n_minus_1_n_n_plus_1(decide, count, decision, left):
    days = ["2019-04-01", "2019-10-01", "2020-04-01", "2022-04-01", "2023-04-01"]
    verdict = decide(profile("mccqe1", [f(d) for d in days[:count]]))
    assert verdict.decision == decision and verdict.eligibility.attempts_left == left
    if count >= 4:
        assert "mccqe.attempt-limit-reached" in fired(verdict)


def test_attempts_before_2018_and_no_standing_do_not_count(decide):
    attempts = [f("2016-05-01"), f("2017-12-31"), f("2018-01-01", "no_standing"), f("2019-04-01"),
                f("2019-10-01", "denied_standing"), f("2020-04-01", "incomplete")]
    verdict = decide(profile("mccqe1", attempts))
    assert verdict.eligibility.attempts_used == 3 and verdict.eligibility.attempts_left == 1
    assert "mccqe.uncounted-attempts" in fired(verdict)
    counted = decide(profile("mccqe1", [f("2018-01-01")] + attempts[3:]))
    assert counted.decision == "not_allowed"


THREE = ["2023-04-01", "2023-08-01"]


@pytest.mark.parametrize("result_on, as_of, earliest, waiting", [
    ("2024-02-29", date(2025, 2, 28), date(2025, 3, 1), True),    # leap-day result: a full year ends 1 March
    ("2024-02-29", date(2025, 3, 1), date(2025, 3, 1), False),
    ("2024-02-29", date(2025, 3, 2), date(2025, 3, 2), False),
    ("2023-01-31", date(2024, 1, 30), date(2024, 1, 31), True),    # month end
    ("2023-01-31", date(2024, 1, 31), date(2024, 1, 31), False),
    ("2023-02-28", date(2024, 2, 27), date(2024, 2, 28), True),
])
def test_fourth_attempt_waits_a_year_from_the_third_result(decide, result_on, as_of, earliest, waiting):
    third_sat = date.fromisoformat(result_on).replace(day=1)
    attempts = [f("2021-04-01"), f("2021-10-01"), f(third_sat.isoformat(), result_date=result_on)]
    verdict = decide(profile("mccqe1", attempts), as_of)
    assert verdict.eligibility.earliest_date == earliest
    assert ("mccqe.fourth-attempt-wait" in fired(verdict)) is True
    assert "mccqe.result-date-assumed" not in fired(verdict)
    assert verdict.decision == "retake_required"
    assert (verdict.eligibility.earliest_date > as_of) is waiting


def test_missing_result_date_is_assumed_from_an_unlisted_session_and_said(decide):
    # 2024-01-04 is outside the listed sessions: the session is assumed to end 42 days later
    # (2024-02-15), results 8 weeks after that (2024-04-11).
    attempts = [f("2022-04-01"), f("2022-10-01"), f("2024-01-04")]
    verdict = decide(profile("mccqe1", attempts), date(2024, 6, 1))
    assert verdict.eligibility.earliest_date == date(2025, 4, 11)
    reason = next(r for r in verdict.reasons if r.rule == "mccqe.result-date-assumed")
    assert "not among the sessions recorded here" in reason.text and "2024-02-15" in reason.text
    assert any("assumed to have arrived on 2024-04-11" in note for note in verdict.eligibility.notes)


@pytest.mark.parametrize("third_sat, result_on", [
    # sat on the first, a middle and the last day of the 2024-04-17..2024-05-22 session: the result
    # is 8 weeks after the session's last day (2024-07-17), whatever the sitting day
    ("2024-04-17", date(2024, 7, 17)), ("2024-05-01", date(2024, 7, 17)), ("2024-05-22", date(2024, 7, 17)),
    # the August-September 2024 session: 6 weeks after 2024-09-18
    ("2024-08-21", date(2024, 10, 30)),
    # the April-May 2025 session: 12 weeks after 2025-05-21
    ("2025-04-09", date(2025, 8, 13)),
    # a day before a session opens is not in it: 42 + 56 days after the sitting
    ("2024-04-16", date(2024, 4, 16) + timedelta(days=42 + 56)),
])
def test_result_counted_from_the_sessions_last_day(decide, third_sat, result_on):
    attempts = [f("2022-04-01"), f("2022-10-01"), f(third_sat)]
    verdict = decide(profile("mccqe1", attempts), date.fromisoformat(third_sat) + timedelta(days=1))
    assert verdict.eligibility.earliest_date == anniversary(result_on, 1)
    reason = next(r for r in verdict.reasons if r.rule == "mccqe.result-date-assumed")
    assert result_on.isoformat() in reason.text and "last day of the whole session" in reason.text


def test_sessions_fix_the_two_month_early_bug(decide):
    """The old rule counted 8 weeks from the sitting; a first-day sitting of the April 2025 session
    now waits for that session's end (2025-05-21) plus 12 weeks."""
    verdict = decide(profile("mccqe1", [f("2022-04-01"), f("2022-10-01"), f("2025-04-09")]), date(2025, 6, 1))
    old = anniversary(date(2025, 4, 9) + timedelta(weeks=8), 1)
    assert verdict.eligibility.earliest_date == date(2026, 8, 13)
    assert (verdict.eligibility.earliest_date - old).days > 60


def test_no_wait_before_second_and_third_attempts(decide):
    verdict = decide(profile("mccqe1", [f("2026-10-01")]))
    assert verdict.eligibility.earliest_date == AS_OF and "mccqe.fourth-attempt-wait" not in fired(verdict)


@pytest.mark.parametrize("attempts, field", [
    ([{"date": "2025-05-01", "score": 450}, f("2025-10-01")], "attempts[1]"),
    ([f("2025-05-01", result_date="2025-04-01")], "attempts[0].result_date"),
    ([{"date": "2025-05-01", "score": 450, "pass_mark": 439}], "attempts[0].pass_mark"),
])
def test_part1_input_errors(decide, attempts, field):
    with pytest.raises(ProfileError) as caught:
        decide(profile("mccqe1", attempts))
    assert caught.value.errors[0].field == field


def test_pass_is_final_even_with_a_big_predicted_gain(decide):
    data = profile("mccqe1", [{"date": "2025-05-01", "score": 441}],
                   plan={"predicted_score": 500, "evidence": "practice-exams", "months_to_application": 12},
                   programs_accept_retakes="yes")
    data["target"]["specialty"] = "radiology"
    verdict = decide(data)
    assert verdict.decision == "not_allowed" and "mccqe.no-retake-after-pass" in fired(verdict)


# --- NAC ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("after, expected", [
    (date(2025, 9, 20), date(2026, 3, 1)), (date(2025, 2, 28), date(2025, 3, 1)), (date(2025, 3, 1), date(2025, 9, 1)),
    (date(2025, 12, 31), date(2026, 3, 1)),
])
def test_next_nac_session(after, expected):
    assert next_session_start(after, (3, 9)) == expected


@pytest.mark.parametrize("after, expected", [
    (date(2022, 8, 31), date(2022, 9, 1)),     # March/September up to 2022
    (date(2022, 9, 1), date(2023, 5, 1)),      # from 2023: May, not March
    (date(2022, 12, 31), date(2023, 5, 1)),
    (date(2023, 1, 1), date(2023, 5, 1)),
    (date(2023, 5, 3), date(2023, 9, 1)),
    (date(2023, 9, 30), date(2024, 5, 1)),
])
def test_nac_session_months_change_in_2023(after, expected):
    assert next_session_start(after) == expected


@pytest.mark.parametrize("sat, as_of, earliest", [
    ("2025-09-20", date(2026, 1, 10), date(2026, 9, 1)),   # May 2026 skipped
    ("2025-05-03", date(2025, 6, 1), date(2026, 5, 1)),    # September 2025 skipped
    ("2023-05-06", date(2023, 6, 1), date(2024, 5, 1)),    # policies.md: May 2023 -> May 2024 or later
    ("2022-03-12", date(2022, 4, 1), date(2023, 5, 1)),    # Sep 2022 skipped; no March session in 2023
])
def test_nac_pass_skips_the_next_session(decide, sat, as_of, earliest):
    verdict = decide(profile("nac", [f(sat, "pass")]), as_of)
    assert verdict.eligibility.earliest_date == earliest
    assert verdict.decision == "do_not_retake"
    assert {"mccqe.nac-no-consecutive-sessions", "mccqe.nac-latest-result-counts",
            "mccqe.nac-pass-score-unconfirmed"} <= set(fired(verdict))
    unconfirmed = [r for r in verdict.reasons if r.confidence == "unconfirmed"]
    assert unconfirmed and all("unconfirmed" in r.text for r in unconfirmed)


@pytest.mark.parametrize("results, decision, left", [
    (("fail", "fail"), "retake_required", 1), (("fail", "pass"), "do_not_retake", 1),
    (("fail", "fail", "fail"), "not_allowed", 0), (("fail", "fail", "pass"), "not_allowed", 0),
    (("pass", "fail", "pass", "fail"), "not_allowed", 0),
])
def test_nac_three_attempts_in_total(decide, results, decision, left):
    days = ["2023-03-10", "2023-09-10", "2024-09-10", "2025-09-10"]
    verdict = decide(profile("nac", [f(d, r) for d, r in zip(days, results)]))
    assert verdict.decision == decision and verdict.eligibility.attempts_left == left


@pytest.mark.parametrize("sat, as_of, earliest, skipped", [
    ("2025-05-03", date(2025, 5, 4), date(2026, 5, 1), "September 2025"),   # a fail skips a session too
    ("2024-09-07", date(2024, 9, 8), date(2025, 9, 1), "May 2025"),
    ("2024-09-07", date(2025, 8, 31), date(2025, 9, 1), "May 2025"),        # the day before, on and after
    ("2024-09-07", date(2025, 9, 1), date(2025, 9, 1), "May 2025"),
    ("2024-09-07", date(2025, 9, 2), date(2025, 9, 2), "May 2025"),
])
def test_nac_fail_also_skips_the_next_session(decide, sat, as_of, earliest, skipped):
    verdict = decide(profile("nac", [f(sat, "fail")]), as_of)
    assert verdict.decision == "retake_required" and verdict.eligibility.earliest_date == earliest
    reason = next(r for r in verdict.reasons if r.rule == "mccqe.nac-no-consecutive-sessions")
    assert f"the {skipped} session is skipped" in reason.text and reason.confidence == "high"
    assert "May and September" in reason.text


@pytest.mark.parametrize("as_of, earliest, rule", [
    (date(2025, 9, 30), date(2025, 9, 30), "mccqe.nac-no-consecutive-sessions"),  # the September 2025 month
    (date(2025, 10, 1), date(2026, 5, 1), "mccqe.nac-no-consecutive-sessions-next-open"),  # it is over
    (date(2026, 11, 25), date(2027, 5, 1), "mccqe.nac-no-consecutive-sessions-next-open"),
])
def test_a_nac_session_that_is_over_is_not_offered_as_the_earliest_retake(decide, as_of, earliest, rule):
    # A fail on 2024-09-07: May 2025 is skipped, September 2025 is the first session open. Read
    # after September 2025, the verdict used to say "the September 2025 session (from <a later day>)".
    verdict = decide(profile("nac", [f("2024-09-07", "fail")]), as_of)
    assert verdict.eligibility.earliest_date == earliest
    rules = fired(verdict)
    assert rule in rules and len({"mccqe.nac-no-consecutive-sessions",
                                  "mccqe.nac-no-consecutive-sessions-next-open"} & set(rules)) == 1
    text = next(r.text for r in verdict.reasons if r.rule == rule)
    assert "the May 2025 session" in text and earliest.isoformat() in text
    if rule.endswith("next-open"):
        assert "The September 2025 session was the first open to you and is over" in text
        assert f"{earliest.strftime('%B %Y')} session (from {earliest.isoformat()})" in text


def test_nac_latest_result_replaces_an_earlier_pass(decide):
    verdict = decide(profile("nac", [f("2024-03-10", "pass"), f("2025-03-10", "fail")]))
    assert not verdict.eligibility.passed and verdict.decision == "retake_required"
    assert "mccqe.nac-earlier-pass-replaced" in fired(verdict)


@pytest.mark.parametrize("attempt, field", [
    ({"date": "2025-03-10", "score": 420}, "attempts[0].score"),
    ({"date": "2025-03-10", "result": "pass", "pass_mark": 400}, "attempts[0].pass_mark"),
    ({"date": "2025-03-10"}, "attempts[0].result"),
])
def test_nac_needs_a_result(decide, attempt, field):
    with pytest.raises(ProfileError) as caught:
        decide(profile("nac", [attempt]))
    assert caught.value.errors[0].field == field


# --- MCCQE Part II -----------------------------------------------------------------------------

@pytest.mark.parametrize("result", ["pass", "fail"])
def test_part2_discontinued_message(decide, result):
    verdict = decide(profile("mccqe2", [f("2021-05-31", result)]))
    assert verdict.decision == "not_allowed"
    reason = next(r for r in verdict.reasons if r.rule == "mccqe.part2-discontinued")
    assert "discontinued in June 2021" in reason.text and "MCCQE Part I" in reason.text
    assert any("LMCC" in a.text for a in verdict.actions)


def test_part2_sitting_after_discontinuation_is_rejected(decide):
    with pytest.raises(ProfileError, match="not been delivered since 2021-06-01"):
        decide(profile("mccqe2", [f("2021-06-01")]))


# --- Canada context ----------------------------------------------------------------------------

def test_canadian_specialty_indices_override_the_seed(pipeline):
    assert pipeline.registry.specialty("family-medicine", "CA").competitiveness == 45
    assert pipeline.registry.specialty("family-medicine", "US").competitiveness == 20
    for specialty_id, index in policy.CANADA_INDEX.items():
        default = pipeline.registry.specialty(specialty_id, "US").competitiveness
        assert index >= default


def test_carms_context_for_canadian_targets(decide):
    verdict = decide(profile("mccqe1", [{"date": "2025-05-01", "score": 445}]))
    assert "mccqe.context.carms" in fired(verdict)
    us = profile("mccqe1", [{"date": "2025-05-01", "score": 445}])
    us["target"]["country"] = "US"
    assert "mccqe.context.carms" not in fired(decide(us))


def test_every_dated_value_has_a_source():
    for name in dir(policy):
        value = getattr(policy, name)
        if isinstance(value, DatedValues):
            assert all(entry.source.title for entry in value.entries), name


# --- Rules as data -----------------------------------------------------------------------------

ENGINE = Engine(rules.RULES)
RULE_CASES = [
    ("part I pass", [{"t": "eligibility", "exam": "mccqe1", "blocked_by": "passed-final"}], ["mccqe.no-retake-after-pass"]),
    ("part I exhausted", [{"t": "eligibility", "exam": "mccqe1", "blocked_by": "attempts-exhausted"},
                          {"t": "mccqe.record", "counted": 4, "limit": 4, "uncounted": 0, "fourth_wait": False}],
     ["mccqe.attempt-limit-reached"]),
    ("nac exhausted", [{"t": "eligibility", "exam": "nac", "blocked_by": "attempts-exhausted"},
                       {"t": "mccqe.nac", "attempts": 3, "limit": 3, "passed": False, "skip_session": False,
                        "earlier_pass_replaced": False}], ["mccqe.nac-attempt-limit-reached"]),
    ("part II", [{"t": "eligibility", "exam": "mccqe2", "blocked_by": "discontinued"}], ["mccqe.part2-discontinued"]),
]


@pytest.mark.parametrize("name, facts, expected", RULE_CASES, ids=[c[0] for c in RULE_CASES])
def test_blocked_codes_conclude_not_allowed(name, facts, expected):
    firings = ENGINE.run([clock_fact(AS_OF)] + facts)
    ids = [firing.rule.id for firing in firings]
    assert ids[:len(expected)] == expected
    assert any(c.get("value") == "not_allowed" for firing in firings for c in firing.rule.then)


def test_verdicts_before_the_recorded_rules_are_refused(decide):
    with pytest.raises(ProfileError) as caught:
        decide(profile("mccqe1", [f("2016-05-01")]), date(2017, 12, 31))
    assert caught.value.errors[0].field == "as_of"
    assert decide(profile("mccqe1", [f("2016-05-01")]), date(2018, 1, 1)).eligibility.attempts_used == 0
    with pytest.raises(ProfileError, match="discontinued"):
        decide(profile("mccqe2", [f("2019-05-01")]), date(2021, 5, 31))
    assert decide(profile("mccqe2", [f("2019-05-01")]), date(2021, 6, 1)).decision == "not_allowed"


# Found by the fuzzer: a NAC sitting before the recorded session schedule (2018) was an internal fault.
@pytest.mark.parametrize("sat", ["2005-01-01", "2017-12-31"])
def test_a_nac_sitting_older_than_the_recorded_schedule_no_longer_limits_the_next(decide, sat):
    verdict = decide(profile("nac", [f(sat, "fail")]), date(2026, 11, 25))
    assert verdict.decision == "retake_required" and verdict.eligibility.earliest_date == date(2026, 11, 25)
    assert "mccqe.nac-no-consecutive-sessions" not in fired(verdict)


def test_a_nac_sitting_from_the_first_recorded_day_still_skips_a_session(decide):
    verdict = decide(profile("nac", [f("2018-01-01", "fail")]), date(2018, 1, 2))
    assert verdict.eligibility.earliest_date == date(2018, 9, 1)  # March 2018 skipped


def test_an_old_nac_sitting_judged_on_a_day_inside_the_schedule_gap_names_the_field(decide):
    with pytest.raises(ProfileError) as caught:
        decide(profile("nac", [f("2017-06-01", "fail")]), date(2018, 6, 1))
    error = caught.value.errors[0]
    assert error.field == "attempts[0].date" and "2018-01-01" in error.message
