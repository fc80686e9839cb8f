"""USMLE plugin: dated pass standards, Step 1 pass/fail, attempt limits, the 2012 waiting rules, bands."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from core.errors import ProfileError
from plugins.usmle.eligibility import earliest_next_attempt


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


# --- Step 1 numeric history and Step 3 history (policies.md revised 2026-12-01) ----------------

@pytest.mark.parametrize("day, score, passed", [
    ("2013-12-31", 188, True), ("2013-12-31", 187, False),           # 188 before 2014
    ("2014-01-01", 191, False), ("2014-01-01", 192, True),            # 192 from 2014-01-01
    ("2014-01-02", 191, False),
    ("2017-12-31", 192, True), ("2017-12-31", 193, True),             # still 192
    ("2018-01-01", 193, False), ("2018-01-01", 194, True),            # 194 from 2018-01-01
    ("2018-01-02", 193, False),
    ("2021-03-15", 194, True), ("2021-03-15", 195, True),             # a 2021 Step 1 of 194/195 is a pass
    ("2022-01-25", 194, True), ("2022-01-25", 193, False),            # last numeric day: still 194
])
def test_step1_numeric_history(decide, day, score, passed):
    verdict = decide(profile("usmle-step1", [{"date": day, "score": score}]))
    assert verdict.eligibility.passed is passed
    assert verdict.decision == ("not_allowed" if passed else "retake_required")


def test_step1_2021_pass_quotes_the_standard_of_its_date(decide):
    verdict = decide(profile("usmle-step1", [{"date": "2021-05-10", "score": 195}]))
    reason = next(r for r in verdict.reasons if r.rule == "usmle.pass-standard.step1")
    assert "scored 195 against 194" in reason.text and "2018-01-01" in reason.text
    assert reason.confidence == "high"


def test_step1_standard_196_begins_with_pass_fail(decide):
    from plugins.usmle import policy
    assert policy.STEP1_PASS.value_at(date(2022, 1, 25)) == 194
    assert policy.STEP1_PASS.value_at(date(2022, 1, 26)) == 196 == policy.STEP1_PASS.value_at(date(2022, 1, 27))


@pytest.mark.parametrize("day, score, passed", [
    ("2015-12-31", 190, True), ("2015-12-31", 189, False),            # 190 before 2016
    ("2016-01-01", 195, False), ("2016-01-01", 196, True),            # 196 from 2016-01-01
    ("2016-01-02", 195, False),
    ("2019-12-31", 196, True), ("2019-12-31", 197, True),             # a 2019 Step 3 of 196 is a pass
    ("2020-01-01", 197, False), ("2020-01-01", 198, True),            # 198 from 2020-01-01
    ("2020-01-02", 197, False),
])
def test_step3_history(decide, day, score, passed):
    assert decide(profile("usmle-step3", [{"date": day, "score": score}])).eligibility.passed is passed


@pytest.mark.parametrize("day, score, rule, confidence", [
    ("2015-06-01", 195, "usmle.pass-standard-medium.step3", "medium"),    # 190: no rating -> medium
    ("2019-06-01", 197, "usmle.pass-standard.step3", "high"),
    ("2024-06-01", 201, "usmle.pass-standard-medium.step3", "medium"),    # 200: secondary pages
    ("2025-06-30", 215, "usmle.pass-standard.step2ck", "high"),           # 214
    ("2025-07-01", 219, "usmle.pass-standard-medium.step2ck", "medium"),  # 218: secondary pages
])
def test_pass_standard_reason_says_medium_confidence(decide, day, score, rule, confidence):
    exam = "usmle-step3" if "step3" in rule else "usmle-step2ck"
    verdict = decide(profile(exam, [{"date": day, "score": score}]))
    reason = next(r for r in verdict.reasons if r.rule == rule)
    assert reason.confidence == confidence
    assert ("medium confidence" in reason.text) is (confidence == "medium")


@pytest.mark.parametrize("day, score, passed", [
    ("2012-06-30", 189, True), ("2012-06-30", 188, False),            # 189 before the 2012 review
    ("2012-07-01", 195, False), ("2012-07-01", 196, True),            # 196 after it (day assumed)
    ("2012-07-02", 195, False),
    ("2013-06-30", 196, True), ("2013-07-01", 202, False), ("2013-07-01", 203, True),
])
def test_step2ck_early_history_including_196(decide, day, score, passed):
    assert decide(profile("usmle-step2ck", [{"date": day, "score": score}])).eligibility.passed is passed


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
    reason = next(r for r in verdict.reasons if r.rule == "usmle.time-limit-exception")
    assert "Step 3 included" in reason.text and "applied for a licence" in reason.text
    assert "only after the limit expired" in reason.text


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


@pytest.mark.parametrize("as_of, decision, left, rule", [
    (date(2011, 12, 31), "retake_required", None, "usmle.no-attempt-limit-before-2012"),
    (date(2012, 1, 1), "not_allowed", 0, "usmle.attempt-limit-reached-before-2021"),
    (date(2012, 1, 2), "not_allowed", 0, "usmle.attempt-limit-reached-before-2021"),
])
def test_six_attempt_era_begins_2012_with_no_limit_before(decide, as_of, decision, left, rule):
    days = ["2008-01-10", "2008-07-10", "2009-01-10", "2009-07-10", "2010-01-10", "2010-07-10"]
    verdict = decide(profile("usmle-step2ck", [{"date": d, "result": "fail"} for d in days]), as_of)
    assert verdict.decision == decision and verdict.eligibility.attempts_left == left
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


# --- NRMP 2026 context, measurement noise, freshness --------------------------------------------

def test_internal_medicine_quotes_the_2026_nrmp_medians(decide):
    verdict = decide(profile("usmle-step2ck", [{"date": "2025-09-14", "score": 221}]))
    reason = next(r for r in verdict.reasons if r.rule == "usmle.context.nrmp-step2ck")
    assert "2026 Main Residency Match" in reason.text and "Internal Medicine" in reason.text
    assert "251 (middle half 240-259)" in reason.text and "243 (233-253)" in reason.text
    assert "3,392 of 6,992 matched" in reason.text and "not designed to predict" in reason.text
    assert reason.confidence == "medium" and "nrmp.org" in reason.source
    assert "%" not in reason.text and "chance" not in reason.text.lower()   # context, never a probability
    assert "usmle.context.nrmp-step2ck-no-separation" not in fired(verdict)


@pytest.mark.parametrize("specialty", ["family-medicine", "radiology"])
def test_equal_medians_say_a_higher_score_does_not_separate(decide, specialty):
    data = profile("usmle-step2ck", [{"date": "2025-09-14", "score": 228}])
    data["target"]["specialty"] = specialty
    verdict = decide(data)
    reason = next(r for r in verdict.reasons if r.rule == "usmle.context.nrmp-step2ck-no-separation")
    assert "does not separate who matches" in reason.text
    assert "usmle.context.nrmp-step2ck" not in fired(verdict)


def test_nrmp_context_only_for_us_step2ck_targets_with_a_row(decide):
    uk = profile("usmle-step2ck", [{"date": "2025-09-14", "score": 221}])
    uk["target"] = {"country": "GB", "specialty": "internal-medicine"}
    derm = profile("usmle-step2ck", [{"date": "2025-09-14", "score": 221}])
    derm["target"]["specialty"] = "dermatology"
    step3 = profile("usmle-step3", [{"date": "2025-09-14", "score": 221}])
    for data in (uk, derm, step3):
        assert not any(r.rule.startswith("usmle.context.nrmp-step2ck") for r in decide(data).reasons)


def test_nrmp_data_file_loads_from_the_package_and_ids_match_retake_specialties(pipeline):
    from plugins.usmle import nrmp
    rows = nrmp.outcomes()
    assert rows["Internal Medicine"].matched_median == 251 and rows["All specialties"].unmatched_median == 242
    assert len(rows) == 12
    us_ids = set(pipeline.registry.specialties("US"))
    ids = {row.specialty_id for row in rows.values() if row.specialty_id and row.specialty_id != "all-specialties"}
    assert ids <= us_ids, ids - us_ids
    assert ids == {"internal-medicine", "family-medicine", "pediatrics", "psychiatry", "anesthesiology",
                   "general-surgery", "radiology"}
    # rows kept as data without a target id: the note names them
    assert {r.nrmp_specialty for r in rows.values() if not r.specialty_id} == {
        "Neurology", "Pathology", "Emergency Medicine", "Obstetrics and Gynecology"}
    same = {r.nrmp_specialty for r in rows.values() if r.medians_about_equal}
    assert same == {"Family Medicine", "Radiology-Diagnostic"}


def test_nrmp_parse_reads_blank_cells_as_unknown():
    from plugins.usmle import nrmp
    text = ("# header\nspecialty_id,nrmp_specialty,matched_median,matched_q1,matched_q3,unmatched_median,"
            "unmatched_q1,unmatched_q3,preferring,matched\nx,X,250,,,249,,,,\n")
    row = nrmp.parse(text)["X"]
    assert row.matched_q1 is None and row.preferring is None and row.medians_about_equal


def gain_profile(score: int, predicted: int) -> dict[str, Any]:
    return profile("usmle-step2ck", [{"date": "2025-09-14", "score": score}],
                   plan={"predicted_score": predicted, "evidence": "practice-exams", "months_to_application": 12})


@pytest.mark.parametrize("gain, noise", [(1, True), (11, True), (12, True), (13, False), (20, False)])
def test_step2ck_gain_within_two_sem_is_noise(decide, gain, noise):
    verdict = decide(gain_profile(225, 225 + gain))
    assert ("usmle.gain-within-noise" in fired(verdict)) is noise
    if noise:
        reason = next(r for r in verdict.reasons if r.rule == "usmle.gain-within-noise")
        assert "two standard errors of measurement" in reason.text and "about 12" in reason.text
        assert "7.7-7.8" in reason.text and "PMC8368818" in reason.source_title


def test_step2ck_gain_source_cites_the_sem_and_the_study(pipeline):
    exam = pipeline.registry.exam("usmle-step2ck")
    assert exam.small_gain == 12 and "PMC8368818" in exam.gain_source.title
    assert "Score Interpretation" in exam.gain_source.title


@pytest.mark.parametrize("exam, country, fires", [
    ("usmle-step2ck", "US", True), ("usmle-step3", "US", True), ("usmle-step2ck", "GB", False),
])
def test_nrmp_match_rates_are_dated_context(decide, exam, country, fires):
    data = profile(exam, [{"date": "2025-09-14", "score": 221}])
    data["target"]["country"] = country
    reason = next((r for r in decide(data).reasons if r.rule == "usmle.context.nrmp-match-rate"), None)
    assert (reason is not None) is fires
    if fires:
        assert "58.0% of non-US IMG applicants matched in the 2025 Main Residency Match (6,653 of 11,465" in reason.text
        assert "58.5% in 2024, 59.4% in 2023" in reason.text and "67.8%" in reason.text
        assert reason.text.startswith("Context, not a chance") and "nrmp.org" in reason.source
        assert reason.effective_note == "2025 Match data"


@pytest.mark.parametrize("scores, words", [([200, 221], "shows both attempts"), ([190, 200, 221], "shows all 3 attempts")])
def test_the_transcript_flag_counts_the_attempts_in_words(decide, scores, words):
    attempts = [{"date": d, "score": s} for d, s in zip(["2024-03-01", "2024-08-01", "2025-02-01"], scores)]
    verdict = decide(profile("usmle-step2ck", attempts))
    flag = next(f for f in verdict.red_flags if f.id == "usmle-transcript")
    assert words in flag.text and "all 2" not in flag.text
