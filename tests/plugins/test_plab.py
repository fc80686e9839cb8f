"""PLAB plugin: PLAB 1/2 attempts, the additional attempt, validity windows, English tests.

Every boundary is tested on the day before, on, and after: window ends, the 12-month wait, the
end of the COVID-19 extension (2025-03-31), leap days, and attempt counts at N-1, N, N+1.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from core.engine import Engine, clock_fact
from core.errors import ProfileError
from plugins.plab import bands, policy, rules
from plugins.plab.eligibility import plab1_pass_expiry, registration_deadline, window_regime
from plugins.plab.english import ielts_overall, oet_grade

from days import AS_OF  # the one fixed day (tests/days.py)
GOOD_IELTS = {"listening": 7.5, "reading": 7.5, "writing": 7.0, "speaking": 7.5}


def profile(exam: str, attempts: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    data = {"exam": exam, "attempts": attempts, "target": {"country": "GB", "specialty": "internal-medicine"}}
    data.update(extra)
    return data


def fired(verdict) -> list[str]:
    return [reason.rule for reason in verdict.reasons]


def fails(*days: str) -> list[dict[str, Any]]:
    return [{"date": day, "result": "fail"} for day in days]


# --- PLAB 1 validity window (PLAB 2 must be passed within it) ----------------------------------

@pytest.mark.parametrize("passed_on, first_invalid, regime", [
    (date(2017, 1, 10), date(2019, 1, 10), "two-years"),
    (date(2018, 3, 14), date(2020, 3, 14), "two-years"),     # day before the extension's first pass
    (date(2018, 3, 15), date(2021, 3, 15), "extended"),      # first pass the extension covered
    (date(2018, 3, 16), date(2021, 3, 16), "extended"),
    (date(2020, 2, 29), date(2023, 3, 1), "extended"),       # leap-day pass: anniversary on 1 March
    (date(2022, 3, 30), date(2025, 3, 30), "extended"),      # three years end the day before the extension did
    (date(2022, 3, 31), date(2025, 3, 31), "extended"),      # three years end exactly as the extension ends
    (date(2022, 6, 1), date(2025, 3, 31), "cut-short"),      # the end of the extension cut it short
    (date(2023, 3, 30), date(2025, 3, 31), "cut-short"),     # "passed before 31 March 2023": lapses 2025-03-31
    (date(2023, 3, 31), date(2025, 3, 31), "two-years"),
    (date(2023, 4, 1), date(2025, 4, 1), "two-years"),
    (date(2024, 2, 29), date(2026, 3, 1), "two-years"),
    (date(2025, 3, 31), date(2027, 3, 31), "two-years"),
])
def test_plab1_window_mapping(passed_on, first_invalid, regime):
    assert plab1_pass_expiry(passed_on) == first_invalid
    assert window_regime(passed_on) == regime


def test_registration_window_counts_test_date_as_day_one():
    assert registration_deadline(date(2025, 6, 10)) == date(2027, 6, 9)
    assert registration_deadline(date(2024, 2, 29)) == date(2026, 2, 28)
    assert registration_deadline(date(2024, 1, 31)) == date(2026, 1, 30)


def plab1_pass(day: str = "2025-09-10", score: int = 125, mark: int = 121) -> dict[str, Any]:
    return {"date": day, "score": score, "pass_mark": mark}


@pytest.mark.parametrize("as_of, lapsed", [
    (date(2026, 2, 27), False), (date(2026, 2, 28), False), (date(2026, 3, 1), True),
])
def test_leap_day_pass_lapses_on_first_of_march(decide, as_of, lapsed):
    verdict = decide(profile("plab1", [plab1_pass("2024-02-29")]), as_of)
    assert verdict.eligibility.deadlines[0].date == date(2026, 2, 28)
    assert ("plab.plab1-pass-lapsed" in fired(verdict)) is lapsed
    assert verdict.decision == ("retake_required" if lapsed else "not_allowed")


@pytest.mark.parametrize("as_of, decision", [
    (date(2025, 3, 30), "not_allowed"), (date(2025, 3, 31), "retake_required"), (date(2025, 4, 1), "retake_required"),
])
def test_extension_end_boundary(decide, as_of, decision):
    verdict = decide(profile("plab1", [plab1_pass("2022-06-01")]), as_of)
    assert verdict.decision == decision
    assert "plab.plab2-window-cut-short" in fired(verdict)
    assert verdict.eligibility.deadlines[0].date == date(2025, 3, 30)


def test_extended_window_reason(decide):
    verdict = decide(profile("plab1", [plab1_pass("2019-05-01")]), date(2021, 1, 1))
    assert "plab.plab2-window-extended" in fired(verdict)
    assert verdict.eligibility.deadline == date(2022, 4, 30)


# --- PLAB 1 judging against the sitting's own pass mark ---------------------------------------

def test_plab1_score_without_pass_mark_is_rejected(decide):
    with pytest.raises(ProfileError) as caught:
        decide(profile("plab1", [{"date": "2025-09-10", "score": 125}]))
    assert caught.value.errors[0].field == "attempts[0].pass_mark"
    assert "sets a pass mark for each sitting" in str(caught.value)


@pytest.mark.parametrize("score, mark, result", [(120, 121, "fail"), (121, 121, "pass"), (122, 121, "pass")])
def test_plab1_judged_by_its_own_pass_mark(decide, score, mark, result):
    verdict = decide(profile("plab1", [plab1_pass(score=score, mark=mark)]))
    assert verdict.eligibility.passed is (result == "pass")


def test_plab1_result_contradicting_pass_mark_is_rejected(decide):
    with pytest.raises(ProfileError, match="pass mark"):
        decide(profile("plab1", [{"date": "2025-09-10", "score": 118, "pass_mark": 121, "result": "pass"}]))


@pytest.mark.parametrize("bad", [{"score": 125.5, "pass_mark": 121}, {"score": 125, "pass_mark": 200},
                                 {"score": 181, "pass_mark": 121}])
def test_plab1_marks_validated(decide, bad):
    with pytest.raises(ProfileError):
        decide(profile("plab1", [{"date": "2025-09-10", **bad}]))


def test_plab1_score_before_the_180_question_format_is_rejected(decide):
    with pytest.raises(ProfileError, match="attempts\\[0\\].score"):
        decide(profile("plab1", [{"date": "2018-02-28", "score": 125, "pass_mark": 121}]))
    assert decide(profile("plab1", [{"date": "2018-03-01", "score": 125, "pass_mark": 121}]), date(2019, 1, 1))


@pytest.mark.parametrize("margin, band", [(-1, "below-pass-mark"), (0, "borderline"), (4, "borderline"), (5, "clear"),
                                          (14, "clear"), (15, "strong"), (59, "strong")])
def test_plab1_margin_bands(decide, margin, band):
    verdict = decide(profile("plab1", [plab1_pass(score=121 + margin, mark=121)]))
    assert verdict.band.id == band
    # Below the pass mark is the GMC's own rule; only the margins over it are the project's heuristic.
    assert verdict.band.basis == "margin" and verdict.band.heuristic is (band != "below-pass-mark")


def test_margin_bands_are_contiguous_data():
    table = bands.PLAB1_MARGIN_BANDS
    assert table[0].low == -180 and table[-1].high == 180
    for lower, upper in zip(table, table[1:]):
        assert upper.low == lower.high + 1
        assert upper.rank == lower.rank + 1
    fail, *passes = table
    assert not fail.heuristic and "pass mark the GMC set" in fail.note
    assert all(band.heuristic and band.basis == "margin" and band.note.startswith("Project heuristic") for band in passes)


def test_passed_part_is_final_and_says_unconfirmed(decide):
    verdict = decide(profile("plab1", [plab1_pass()]))
    assert verdict.decision == "not_allowed"
    reason = next(r for r in verdict.reasons if r.rule == "plab.passed-part-final")
    assert reason.confidence == "unconfirmed" and "unconfirmed" in reason.text
    assert verdict.outcome == "build_rest_of_cv"


def test_mcc_results_are_rejected_for_plab(decide):
    with pytest.raises(ProfileError, match="Medical Council of Canada"):
        decide(profile("plab2", [{"date": "2025-09-10", "result": "no_standing"}]))


# --- Attempts: four, then one additional with evidence -----------------------------------------

FOUR = ("2024-01-10", "2024-05-10", "2024-09-10", "2025-11-25")


@pytest.mark.parametrize("count, decision, left", [(3, "retake_required", 1), (4, "retake_required", 1),
                                                   (5, "not_allowed", 0), (6, "not_allowed", 0)])
def test_attempt_limit_n_minus_1_n_n_plus_1(decide, count, decision, left):
    days = list(FOUR) + ["2026-11-26", "2027-06-01"]
    attempts = fails(*days[:count])
    as_of = max(AS_OF, date.fromisoformat(days[count - 1]))
    verdict = decide(profile("plab1", attempts, application={"clinical_experience_months": 12}), as_of)
    assert verdict.decision == decision
    assert verdict.eligibility.attempts_left == left
    if count >= 5:
        assert "plab.attempts-exhausted" in fired(verdict)


@pytest.mark.parametrize("as_of, earliest, waiting", [
    (date(2026, 11, 24), date(2026, 11, 25), True),
    (date(2026, 11, 25), date(2026, 11, 25), False),
    (date(2026, 11, 26), date(2026, 11, 26), False),
])
def test_additional_attempt_wait_boundary(decide, as_of, earliest, waiting):
    verdict = decide(profile("plab1", fails(*FOUR), application={"clinical_experience_months": 12}), as_of)
    assert verdict.decision == "retake_required"
    assert verdict.eligibility.earliest_date == earliest
    assert ("plab.additional-attempt-waiting" in fired(verdict)) is waiting
    assert "plab.additional-attempt-last" in fired(verdict)


def test_additional_attempt_wait_from_leap_day(decide):
    attempts = fails("2023-01-10", "2023-05-10", "2023-09-10", "2024-02-29")
    verdict = decide(profile("plab2", attempts, application={"postgraduate_qualification": True}), date(2025, 2, 28))
    assert verdict.eligibility.earliest_date == date(2025, 3, 1)


@pytest.mark.parametrize("application, missing", [
    ({"clinical_experience_months": 11}, "12 months of full-time clinical practice in the last 2 years (you report 11)"),
    ({"clinical_experience_months": 0}, "or a postgraduate qualification"),
])
def test_additional_attempt_says_what_is_missing(decide, application, missing):
    verdict = decide(profile("plab1", fails(*FOUR), application=application))
    assert verdict.decision == "not_allowed"
    reason = next(r for r in verdict.reasons if r.rule == "plab.additional-attempt-evidence-missing")
    assert missing in reason.text
    assert any(missing in note for note in verdict.eligibility.notes)


@pytest.mark.parametrize("application", [{"clinical_experience_months": 12}, {"postgraduate_qualification": True}])
def test_either_evidence_opens_the_additional_attempt(decide, application):
    verdict = decide(profile("plab1", fails(*FOUR), application=application), date(2027, 1, 1))
    assert verdict.decision == "retake_required"
    assert verdict.eligibility.can_retake and verdict.eligibility.attempts_left == 1
    reason = next(r for r in verdict.reasons if r.rule == "plab.additional-attempt-evidence-window")
    assert "2 years before you apply" in reason.text and "observerships do not count" in reason.text


def test_pass_on_the_additional_attempt_is_final(decide):
    attempts = fails(*FOUR) + [plab1_pass("2026-12-01", 130, 120)]
    verdict = decide(profile("plab1", attempts), date(2027, 1, 1))
    assert verdict.decision == "not_allowed" and verdict.eligibility.passed


# --- PLAB 2 ------------------------------------------------------------------------------------

def test_plab2_pass_gives_registration_deadline(decide):
    verdict = decide(profile("plab2", [{"date": "2025-06-10", "result": "pass",
                                        "parts": {"stations_passed": 12, "stations_total": 16}}]))
    assert verdict.decision == "not_allowed"
    assert [d.id for d in verdict.eligibility.deadlines] == ["registration-window"]
    assert verdict.eligibility.deadline == date(2027, 6, 9)
    assert {"plab.registration-window", "plab.plab2-marking", "plab.passed-part-final"} <= set(fired(verdict))


def test_plab2_registration_deadline_passed_is_not_a_retake(decide):
    verdict = decide(profile("plab2", [{"date": "2024-06-10", "result": "pass"}]))
    assert verdict.decision == "not_allowed" and verdict.eligibility.deadline is None
    assert verdict.eligibility.deadlines[0].days_left < 0


def test_plab2_fail_reminds_of_plab1_window(decide):
    verdict = decide(profile("plab2", fails("2026-10-01")))
    assert verdict.decision == "retake_required"
    assert "plab.plab2-needs-valid-plab1" in fired(verdict)
    assert verdict.eligibility.earliest_date == AS_OF


@pytest.mark.parametrize("attempt, field", [
    ({"date": "2025-06-10", "score": 12}, "attempts[0].score"),
    ({"date": "2025-06-10", "result": "pass", "parts": {"stations": 12}}, "attempts[0].parts"),
    ({"date": "2025-06-10", "result": "pass", "pass_mark": 10}, "attempts[0].pass_mark"),
    ({"date": "2025-06-10"}, "attempts[0].result"),
])
def test_plab2_input_errors(decide, attempt, field):
    with pytest.raises(ProfileError) as caught:
        decide(profile("plab2", [attempt]))
    assert caught.value.errors[0].field == field


# --- English tests -----------------------------------------------------------------------------

@pytest.mark.parametrize("skills, overall", [
    ((7.0, 7.0, 7.0, 7.5), 7.0), ((7.0, 7.0, 7.5, 7.5), 7.5), ((7.0, 7.5, 7.5, 7.5), 7.5),
    ((7.5, 8.0, 8.0, 8.0), 8.0), ((6.5, 7.0, 7.0, 6.5), 7.0), ((9.0, 9.0, 9.0, 9.0), 9.0),
])
def test_ielts_overall_rounding(skills, overall):
    assert ielts_overall(dict(zip(policy.IELTS_SKILLS, skills))) == overall


@pytest.mark.parametrize("value, grade", [(500, "A"), (450, "A"), (440, "B"), (350, "B"), (340, "C+"),
                                          (300, "C+"), (290, "C"), (100, "D"), (90, "E"), ("c+", "C+")])
def test_oet_grades(value, grade):
    assert oet_grade(value) == grade


def ielts(day: str, overall: float | None = 7.5, **skills: float) -> dict[str, Any]:
    attempt: dict[str, Any] = {"date": day, "parts": {**GOOD_IELTS, **skills}}
    if overall is not None:
        attempt["score"] = overall
    return attempt


@pytest.mark.parametrize("attempt, passed, band", [
    (ielts("2026-06-01"), True, "meets"),
    (ielts("2026-06-01", 8.0, listening=8.0, reading=8.0, writing=7.5, speaking=8.5), True, "exceeds"),
    (ielts("2026-06-01", writing=6.5), False, "short"),
    (ielts("2026-06-01", 7.0, listening=7.0, reading=7.0, speaking=7.0), False, "short"),
    (ielts("2026-06-01", None), True, "meets"),
])
def test_ielts_minimums(decide, attempt, passed, band):
    verdict = decide(profile("ielts-academic", [attempt]))
    assert verdict.eligibility.passed is passed
    assert verdict.band.id == band
    assert verdict.decision in (("retake", "do_not_retake") if passed else ("retake_required",))
    assert verdict.eligibility.attempts_left is None


def test_ielts_shortfall_names_the_skill(decide):
    verdict = decide(profile("ielts-academic", [ielts("2026-06-01", writing=6.5)]))
    reason = next(r for r in verdict.reasons if r.rule == "plab.english.not-met")
    assert "writing 6.5 (needs 7)" in reason.text


@pytest.mark.parametrize("bad, field", [
    ({"date": "2026-06-01", "score": 7.3, "parts": GOOD_IELTS}, "attempts[0].score"),
    ({"date": "2026-06-01", "score": 7.5, "parts": {"listening": 8}}, "attempts[0].parts"),
    ({"date": "2026-06-01", "score": 7.5, "parts": {**GOOD_IELTS, "writing": "B"}}, "attempts[0].parts.writing"),
    ({"date": "2026-06-01", "score": 7.5, "result": "pass", "parts": {**GOOD_IELTS, "writing": 6.5}}, "attempts[0].result"),
    ({"date": "2026-06-01", "score": 8.0}, "attempts[0].parts"),
])
def test_ielts_input_errors(decide, bad, field):
    with pytest.raises(ProfileError) as caught:
        decide(profile("ielts-academic", [bad]))
    assert caught.value.errors[0].field == field


@pytest.mark.parametrize("as_of, valid", [(date(2026, 5, 31), True), (date(2026, 6, 1), False), (date(2026, 6, 2), False)])
def test_english_validity_two_years(decide, as_of, valid):
    verdict = decide(profile("ielts-academic", [ielts("2024-06-01")]), as_of)
    assert verdict.eligibility.passed is valid
    assert ("plab.english.expired" in fired(verdict)) is (not valid)
    if valid:
        assert verdict.eligibility.deadline == date(2026, 5, 31)


def test_english_validity_from_leap_day(decide):
    verdict = decide(profile("oet-medicine", [{"date": "2024-02-29", "parts": dict.fromkeys(policy.OET_SUBTESTS, "B")}]),
                     date(2026, 2, 28))
    assert verdict.eligibility.passed and verdict.eligibility.deadline == date(2026, 2, 28)
    later = decide(profile("oet-medicine", [{"date": "2024-02-29", "parts": dict.fromkeys(policy.OET_SUBTESTS, "B")}]),
                   date(2026, 3, 1))
    assert not later.eligibility.passed


def test_sittings_are_never_combined(decide):
    attempts = [ielts("2026-03-01", 7.5, writing=6.5, reading=8.0), ielts("2026-06-01", 7.5, reading=6.5, writing=7.5)]
    verdict = decide(profile("ielts-academic", attempts))
    assert verdict.decision == "retake_required"
    reason = next(r for r in verdict.reasons if r.rule == "plab.english.no-combining")
    assert reason.confidence == "unconfirmed" and "unconfirmed" in reason.text
    assert any("not combined" in note for note in verdict.notes)


def test_most_recent_sitting_replaces_an_earlier_pass(decide):
    """GMC: the scores 'in your most recent sitting' (policies.md revised 2026-12-01; medium)."""
    verdict = decide(profile("ielts-academic", [ielts("2026-01-10"), ielts("2026-06-01", writing=6.5)]))
    assert not verdict.eligibility.passed and verdict.decision == "retake_required"
    reason = next(r for r in verdict.reasons if r.rule == "plab.english.most-recent-sitting")
    assert reason.confidence == "medium" and "medium confidence" in reason.text
    assert "2026-01-10" in reason.text and "2026-06-01" in reason.text


def test_a_later_passing_sitting_counts_and_an_incomplete_one_is_ignored(decide):
    later = decide(profile("ielts-academic", [ielts("2026-01-10", writing=6.5), ielts("2026-06-01")]))
    assert later.eligibility.passed and later.eligibility.deadline == date(2028, 5, 31)
    incomplete = {"date": "2026-08-01", "result": "incomplete"}
    kept = decide(profile("ielts-academic", [ielts("2026-06-01"), incomplete]))
    assert kept.eligibility.passed and "plab.english.most-recent-sitting" not in fired(kept)


def test_most_recent_oet_sitting_replaces_an_earlier_pass(decide):
    good = {"date": "2026-01-10", "parts": dict.fromkeys(policy.OET_SUBTESTS, "B")}
    weak = {"date": "2026-06-01", "parts": {**dict.fromkeys(policy.OET_SUBTESTS, "B"), "writing": "C+"}}
    verdict = decide(profile("oet-medicine", [good, weak]))
    assert not verdict.eligibility.passed and "plab.english.most-recent-sitting" in fired(verdict)


@pytest.mark.parametrize("overall, skills", [
    (7.5, (7.0, 7.0, 7.0, 7.0)),     # the case: 7.5 with four 7.0s
    (7.0, (7.0, 7.0, 7.5, 7.5)),     # mean 7.25 rounds up to 7.5
    (7.5, (7.5, 8.0, 8.0, 8.0)),     # mean 7.875 -> 8.0
    (8.0, (7.0, 7.5, 7.5, 7.5)),     # mean 7.375 -> 7.5
])
def test_overall_contradicting_the_skills_is_refused_naming_the_field(decide, overall, skills):
    attempt = {"date": "2026-06-01", "score": overall, "parts": dict(zip(policy.IELTS_SKILLS, skills))}
    with pytest.raises(ProfileError) as caught:
        decide(profile("ielts-academic", [attempt]))
    error = caught.value.errors[0]
    assert error.field == "attempts[0].score" and "impossible" in error.message
    assert str(ielts_overall(dict(zip(policy.IELTS_SKILLS, skills)))).rstrip("0").rstrip(".") in str(error.allowed)


@pytest.mark.parametrize("overall, skills", [
    (7.5, (7.0, 7.0, 7.5, 7.5)),     # .25 rounds up
    (8.0, (7.5, 7.5, 8.0, 8.0)),     # .75 rounds up
    (7.0, (7.0, 7.0, 7.0, 7.5)),     # .125 rounds down
])
def test_overall_consistent_with_the_skills_is_accepted(decide, overall, skills):
    attempt = {"date": "2026-06-01", "score": overall, "parts": dict(zip(policy.IELTS_SKILLS, skills))}
    verdict = decide(profile("ielts-academic", [attempt]))
    assert verdict.score == overall


def test_test_version_is_stated_when_the_bar_is_met(decide):
    verdict = decide(profile("ielts-academic", [ielts("2026-06-01")]))
    reason = next(r for r in verdict.reasons if r.rule == "plab.english.test-version")
    assert "in person" in reason.text and reason.confidence == "medium-high"


@pytest.mark.parametrize("specialty", ["anesthesiology", "internal-medicine", "dermatology"])
def test_a_met_ielts_is_never_weighed_against_the_specialty(decide, specialty):
    # Issue 10: an English result clears a bar; it is not compared with a competitiveness index.
    # Before: a just-met IELTS "fitted targets up to 60", so UK anesthesiology (70) ended at J (retake).
    data = profile("ielts-academic", [ielts("2026-06-01")],
                   plan={"predicted_score": 8.0, "evidence": "practice-exams", "months_to_application": 9},
                   application={"clinical_experience_months": 6})
    data["target"]["specialty"] = specialty
    verdict = decide(data)
    assert verdict.decision == "do_not_retake" and verdict.outcome == "build_rest_of_cv"
    assert [step.rules for step in verdict.path][0] == ["framework.band-meets-bar"]
    text = " ".join([r.text for r in verdict.reasons] + [f.text for f in verdict.red_flags] + [verdict.headline])
    assert "competitiveness index" not in text and "index " not in text
    assert not [r.rule for r in verdict.reasons if r.rule.startswith(("framework.reality.", "framework.faq."))]
    assert "project heuristic" not in verdict.headline.lower()


def test_the_gmc_minimum_is_the_authoritys_rule_not_a_heuristic(decide):
    short = profile("ielts-academic", [{"date": "2026-06-01", "score": 7.5,
                                        "parts": {"listening": 8, "reading": 7.5, "writing": 6.5, "speaking": 7.5}}])
    verdict = decide(short)
    assert verdict.band.id == "short" and verdict.band.heuristic is False
    assert "heuristic" not in verdict.band.note.lower() and "GMC" in verdict.band.note
    assert "plab.english.bands-heuristic" not in [r.rule for r in verdict.reasons]


@pytest.mark.parametrize("grades, passed, band", [
    (("B", "B", "B", "B"), True, "meets"), (("A", "A", "A", "A"), True, "exceeds"),
    (("A", "B", "C+", "A"), False, "short"), ((350, 440, 450, 500), True, "meets"), ((340, 440, 450, 500), False, "short"),
])
def test_oet_grade_b_in_all_four(decide, grades, passed, band):
    verdict = decide(profile("oet-medicine", [{"date": "2026-06-01", "parts": dict(zip(policy.OET_SUBTESTS, grades))}]))
    assert verdict.eligibility.passed is passed and verdict.band.id == band
    if passed:
        assert verdict.decision == "do_not_retake" and verdict.outcome == "build_rest_of_cv"


@pytest.mark.parametrize("attempt, field", [
    ({"date": "2018-02-07", "result": "pass"}, "attempts[0].date"),
    ({"date": "2026-06-01", "score": 350, "parts": dict.fromkeys(policy.OET_SUBTESTS, "B")}, "attempts[0].score"),
    ({"date": "2026-06-01", "parts": {**dict.fromkeys(policy.OET_SUBTESTS, "B"), "writing": "F"}}, "attempts[0].parts.writing"),
])
def test_oet_input_errors(decide, attempt, field):
    with pytest.raises(ProfileError) as caught:
        decide(profile("oet-medicine", [attempt]))
    assert caught.value.errors[0].field == field


def test_oet_recognised_from_boundary(decide):
    verdict = decide(profile("oet-medicine", [{"date": "2018-02-08", "result": "pass"}]), date(2019, 1, 1))
    assert verdict.eligibility.passed


# --- Rules as data: facts in, fired plab rules out ---------------------------------------------

ENGINE = Engine(rules.RULES)
RECORD = {"t": "plab.record", "exam": "plab1", "part": "PLAB 1", "failures": 0, "limit": 4, "sittings": 1,
          "earliest": "", "waiting": False, "lapsed": False, "lapsed_on": "", "deadline": "2027-09-09",
          "has_deadline": True, "regime": "two-years", "additional": "none", "missing": "", "wait_ends": ""}
ELIGIBILITY = {"t": "eligibility", "exam": "plab1", "plugin": "plab", "passed": True, "can_retake": False,
               "blocked_by": "passed-final"}

RULE_CASES = [
    ("passed and final", {}, {}, ["plab.passed-part-final", "plab.plab2-window"]),
    ("extended window", {"regime": "extended"}, {}, ["plab.plab2-window-extended"]),
    ("cut short", {"regime": "cut-short"}, {}, ["plab.plab2-window-cut-short"]),
    ("lapsed", {"lapsed": True}, {"passed": False, "can_retake": True, "blocked_by": ""},
     ["plab.plab1-pass-lapsed"]),
    ("exhausted", {"failures": 5, "has_deadline": False},
     {"passed": False, "blocked_by": "attempts-exhausted"}, ["plab.attempts-exhausted"]),
    ("evidence missing", {"failures": 4, "additional": "missing", "has_deadline": False},
     {"passed": False, "blocked_by": "additional-attempt-evidence-missing"},
     ["plab.additional-attempt-evidence-missing"]),
    ("waiting", {"failures": 4, "additional": "waiting", "has_deadline": False},
     {"passed": False, "can_retake": True, "blocked_by": ""},
     ["plab.additional-attempt-waiting", "plab.additional-attempt-last"]),
    ("two fails", {"failures": 2, "has_deadline": False}, {"passed": False, "can_retake": True, "blocked_by": ""},
     ["plab.attempt-count"]),
]


@pytest.mark.parametrize("name, record, eligibility, expected", RULE_CASES, ids=[c[0] for c in RULE_CASES])
def test_rules_as_data(name, record, eligibility, expected):
    facts = [clock_fact(AS_OF), {**ELIGIBILITY, **eligibility}, {**RECORD, **record}]
    ids = [firing.rule.id for firing in ENGINE.run(facts)]
    assert set(expected) <= set(ids), ids
    not_allowed = [i for i in ids if any(c.get("value") == "not_allowed" for c in ENGINE.rules[i].then)]
    assert bool(not_allowed) is bool({**ELIGIBILITY, **eligibility}["blocked_by"])


def test_every_blocked_by_code_has_a_not_allowed_rule():
    codes = {"passed-final", "attempts-exhausted", "additional-attempt-evidence-missing"}
    for code in codes:
        assert any(rule.when.get("eligibility") and code in str(rule.when["eligibility"])
                   and {"t": "decision", "value": "not_allowed"} in [dict(c) for c in rule.then]
                   for rule in rules.RULES), code


# --- the failing parts in the verdict itself (issue 10) ------------------------------------------

def test_ielts_failing_skill_is_in_the_verdict(decide):
    verdict = decide(profile("ielts-academic", [{"date": "2026-06-01", "score": 7.5,
                             "parts": {"listening": 8, "reading": 8, "writing": 6.5, "speaking": 7.5}}]))
    assert verdict.failing_parts == ["writing"]
    by_name = {p.name: p for p in verdict.parts}
    assert by_name["writing"].value == 6.5 and by_name["writing"].minimum == 7 and by_name["writing"].met is False
    assert by_name["writing"].shown == "6.5" and by_name["writing"].shown_minimum == "7"
    assert by_name["overall"].met is True and by_name["overall"].minimum == 7.5
    assert "writing" in verdict.to_json_dict()["failing_parts"]


def test_oet_failing_subtest_and_plab2_stations_are_in_the_verdict(decide):
    oet = decide(profile("oet-medicine", [{"date": "2026-06-01", "parts": dict(zip(policy.OET_SUBTESTS, ("A", "B", "C+", "A")))}]))
    assert oet.failing_parts == [policy.OET_SUBTESTS[2]] and all(p.shown_minimum == "B" for p in oet.parts)
    assert [p.shown for p in oet.parts] == ["A", "B", "C+", "A"] and oet.parts[0].scale[-1] == "A"
    assert oet.parts[2].value < oet.parts[2].minimum <= oet.parts[1].value
    plab2 = decide(profile("plab2", [{"date": "2026-06-01", "result": "fail",
                                      "parts": {"stations_passed": 9, "stations_required": 11, "score": 150,
                                                "pass_score": 145}}]))
    assert plab2.failing_parts == ["stations passed"]
    assert [(p.name, p.met) for p in plab2.parts] == [("stations passed", False), ("overall score", True)]


def test_a_single_part_exam_has_no_parts(decide):
    verdict = decide(profile("plab1", [plab1_pass()]))
    assert verdict.parts == [] and verdict.failing_parts == []
