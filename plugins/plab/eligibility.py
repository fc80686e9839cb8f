"""PLAB 1 and PLAB 2 eligibility: attempts, the additional attempt, validity windows.

Plain date arithmetic; the rules in `rules.py` say what it means. Decisions taken here:

- Attempts count against the limit when they did not pass (fail or incomplete): the GMC allows a
  part "until you have failed it four times". An incomplete sitting is counted (the safe reading).
- Windows count the test date as day one (the GMC: "your pass date is the date you took the
  test"), so "within two years" ends the day before the second anniversary, and the first day
  a pass is no longer valid is the anniversary itself (a 29 February pass has its anniversary on
  1 March; see `core.calendar_math.anniversary`).
- A PLAB 1 pass's window follows the validity in force on each day (`policy.PLAB1_VALIDITY_YEARS`):
  the pass lapses on the first day D on which D is at least the pass date plus the years in
  force on D. So a pass from 2022-06-01 had three years until the extension ended, and lapsed
  on 2025-03-31; a pass from 2023-06-01 has two years (to 2025-05-31).
- A lapsed PLAB 1 pass no longer counts (unless PLAB 2 was passed in time, which a PLAB 1
  profile cannot show): PLAB 1 must be passed again. Whether the earlier fails still count
  toward the four attempts is not published; they are counted.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta
from typing import Any

from core.calendar_math import anniversary
from core.errors import FieldError, ProfileError
from core.exams import Assessment, Deadline, Eligibility, ExamSpec, JudgedAttempt, PartResult
from core.scoring import band_for, judge_attempts
from core.profile import Profile
from plugins.plab import across, bands, policy

COUNTED_RESULTS = ("fail", "incomplete")
PLAB2_PARTS = ("stations_passed", "stations_required", "stations_total", "score", "pass_score")
ONE_DAY = timedelta(days=1)


def plab1_pass_expiry(passed_on: date) -> date:
    """First day a PLAB 1 pass sat on `passed_on` no longer lets its holder pass PLAB 2."""
    for entry, ends in policy.PLAB1_VALIDITY_YEARS.periods():
        if ends is not None and ends <= passed_on:
            continue
        starts = max(entry.effective, passed_on)
        lapses = anniversary(passed_on, entry.value)
        if lapses <= starts:  # already past this period's window when the period began
            return starts
        if ends is None or lapses < ends:
            return lapses
    raise AssertionError("the last validity period is open-ended")  # pragma: no cover


def window_regime(passed_on: date) -> str:
    """'two-years', 'extended' (three years) or 'cut-short' (ended with the extension on 2025-03-31)."""
    expiry = plab1_pass_expiry(passed_on)
    if expiry == anniversary(passed_on, 2):
        return "two-years"
    if expiry == anniversary(passed_on, 3):
        return "extended"
    return "cut-short"


def registration_deadline(passed_on: date) -> date:
    """Last day a PLAB 2 pass supports registration without extra evidence."""
    return anniversary(passed_on, policy.REGISTRATION_WINDOW_YEARS.value_at(passed_on)) - ONE_DAY


def _check_input(exam: ExamSpec, profile: Profile) -> None:
    errors: list[FieldError] = []
    for index, attempt in enumerate(profile.attempts):
        if attempt.result in ("no_standing", "denied_standing"):
            errors.append(FieldError(f"attempts[{index}].result", f"is a Medical Council of Canada result, not a {exam.name} one",
                                     given=attempt.result, allowed="pass | fail | incomplete"))
        if exam.id == "plab1":
            for name, value in (("score", attempt.score), ("pass_mark", attempt.pass_mark)):
                if value is not None and not float(value).is_integer():
                    errors.append(FieldError(f"attempts[{index}].{name}", "PLAB 1 marks are whole numbers (questions right out of 180)",
                                             given=value, allowed="a whole number from 0 to 180"))
            if attempt.pass_mark is not None and not 0 <= attempt.pass_mark <= 180:
                errors.append(FieldError(f"attempts[{index}].pass_mark", "is off the PLAB 1 scale",
                                         given=attempt.pass_mark, allowed="0 to 180"))
        if exam.id == "plab2" and attempt.parts:
            unknown = sorted(set(attempt.parts) - set(PLAB2_PARTS))
            if unknown:
                errors.append(FieldError(f"attempts[{index}].parts", "has keys PLAB 2 does not report",
                                         given=", ".join(unknown), allowed=", ".join(PLAB2_PARTS)))
        if exam.id == "plab2" and attempt.pass_mark is not None:
            errors.append(FieldError(f"attempts[{index}].pass_mark", "PLAB 2 is judged by its result; put station counts in parts",
                                     given=attempt.pass_mark, allowed="leave it out; parts: {stations_passed: 12, ...}"))
    if exam.id == "plab1" and profile.plan.predicted_score is not None and not float(profile.plan.predicted_score).is_integer():
        errors.append(FieldError("plan.predicted_score", "PLAB 1 marks are whole numbers", given=profile.plan.predicted_score,
                                 allowed="a whole number from 0 to 180"))
    if errors:
        raise ProfileError(errors)


def _missing_evidence(profile: Profile, as_of: date) -> str:
    """What the additional attempt still needs from the application ('' when nothing)."""
    needed = policy.ADDITIONAL_CLINICAL_MONTHS.value_at(as_of)
    application = profile.application
    if application.postgraduate_qualification or application.clinical_experience_months >= needed:
        return ""
    return (f"{needed} months of full-time clinical practice in the last "
            f"{policy.ADDITIONAL_CLINICAL_WITHIN_YEARS.value_at(as_of)} years (you report "
            f"{application.clinical_experience_months}) or a postgraduate qualification (you report none)")


@functools.lru_cache(maxsize=1024)
def plab2_window(passed_on: date) -> Deadline:
    """The PLAB 2 window a PLAB 1 pass opens: its last day, with the source of the regime in force.
    A pure function of the date (a frozen Deadline), cached: a candidate's PLAB 1 and PLAB 2 verdicts
    both ask."""
    expiry = plab1_pass_expiry(passed_on)
    regime = window_regime(passed_on)
    return Deadline(
        "plab2-window", expiry - ONE_DAY,
        f"Last day to pass PLAB 2 on the strength of your PLAB 1 pass of {passed_on.isoformat()} "
        "(the test date counts as day one)."
        + (" Under the transition the GMC honoured PLAB 2 bookings made before the validity ended."
           if regime == "cut-short" else ""),
        policy.PLAB2_BOOKING if regime != "extended" else policy.COVID_VALIDITY,
        concerns="plab2", opens=passed_on)


def assess(exam: ExamSpec, profile: Profile, as_of: date, candidate: Any = None) -> Assessment:
    _check_input(exam, profile)
    judged = judge_attempts(exam, profile.attempts)  # core: a PLAB 1 score needs its pass mark or a result
    limit = policy.ATTEMPTS_PER_PART.value_at(as_of)
    extra = policy.ADDITIONAL_ATTEMPTS.value_at(as_of)
    failed = [a for a in judged if a.result in COUNTED_RESULTS]
    passes = [a for a in judged if a.passed]
    latest_pass = passes[-1] if passes else None
    notes: list[str] = []
    deadlines: list[Deadline] = []
    record = {"t": "plab.record", "exam": exam.id, "part": exam.name, "failures": len(failed), "limit": limit,
              "sittings": len(judged), "earliest": "", "waiting": False, "lapsed": False, "lapsed_on": "",
              "deadline": "", "has_deadline": False, "regime": "", "additional": "none", "missing": "",
              "wait_ends": ""}

    lapsed = False
    if latest_pass is not None and exam.id == "plab1":
        expiry = plab1_pass_expiry(latest_pass.date)
        record.update(deadline=(expiry - ONE_DAY).isoformat(), has_deadline=True, regime=window_regime(latest_pass.date))
        lapsed = as_of >= expiry
        if lapsed:
            record.update(lapsed=True, lapsed_on=expiry.isoformat())
            notes.append(f"Your PLAB 1 pass of {latest_pass.date.isoformat()} stopped being valid on {expiry.isoformat()}. "
                         "If you passed PLAB 2 before then, this does not matter; otherwise PLAB 1 must be passed again. "
                         "Whether your earlier PLAB 1 fails still count toward the four attempts is unconfirmed: "
                         "they are counted here.")
        deadlines.append(plab2_window(latest_pass.date))
    if latest_pass is not None and exam.id == "plab2":
        last_day = registration_deadline(latest_pass.date)
        record.update(deadline=last_day.isoformat(), has_deadline=True, regime="registration")
        deadlines.append(Deadline(
            "registration-window", last_day,
            "Last day to have registration with a licence to practise approved on this PLAB 2 pass without "
            "extra evidence of your knowledge and skills.", policy.PLAB2_AFTER_RESULTS, opens=latest_pass.date))
    registration_english = None  # across exams (issue 11): the English result on the registration day
    if latest_pass is not None and exam.id == "plab2":
        registration_english = across.english_at_registration(candidate, registration_deadline(latest_pass.date), as_of)
    window_fact = None  # across exams (issue 11): the PLAB 1 window, for a PLAB 2 verdict
    if exam.id == "plab2":
        found = across.plab1_window_for_plab2(candidate, latest_pass, as_of)
        if found is not None:
            deadline, window_fact = found
            deadlines.append(deadline)
    english_fact = across.english_on_plab1_date(candidate, judged, latest_pass, as_of) if exam.id == "plab1" else None

    passed = latest_pass is not None and not lapsed
    left_regular = max(limit - len(failed), 0)
    if passed:
        eligibility = Eligibility(passed=True, can_retake=False, attempts_used=len(judged),
                                  attempts_left=max(limit - len(judged), 0), blocked_by="passed-final")
    elif len(failed) < limit:
        earliest = max(judged[-1].date + ONE_DAY, as_of)
        eligibility = Eligibility(passed=False, can_retake=True, attempts_used=len(failed), attempts_left=left_regular,
                                  earliest_date=earliest)
        notes.append(f"{left_regular} of the {limit} regular attempts at {exam.name} remain; after a fourth fail the GMC "
                     "allows one additional attempt only on application, with evidence.")
    elif len(failed) < limit + extra:
        fourth = failed[limit - 1]
        wait_ends = anniversary(fourth.date, policy.ADDITIONAL_WAIT_YEARS.value_at(fourth.date))
        missing = _missing_evidence(profile, as_of)
        record.update(wait_ends=wait_ends.isoformat(), missing=missing)
        if missing:
            record["additional"] = "missing"
            eligibility = Eligibility(passed=False, can_retake=False, attempts_used=len(failed), attempts_left=extra,
                                      blocked_by="additional-attempt-evidence-missing")
            notes.append(f"The additional attempt at {exam.name} needs {missing}; "
                         f"it also cannot be sat before {wait_ends.isoformat()}.")
        else:
            earliest = max(wait_ends, judged[-1].date + ONE_DAY, as_of)
            record.update(additional="waiting" if wait_ends > as_of else "open")
            eligibility = Eligibility(passed=False, can_retake=True, attempts_used=len(failed), attempts_left=extra,
                                      earliest_date=earliest)
            notes.append("Apply to the GMC for the additional attempt with your evidence (clinical practice with "
                         "structured reports, or the postgraduate qualification); it is your last.")
    else:
        eligibility = Eligibility(passed=False, can_retake=False, attempts_used=len(failed), attempts_left=0,
                                  blocked_by="attempts-exhausted")
    eligibility.deadlines = deadlines
    eligibility.notes, notes = notes, []
    if eligibility.earliest_date is not None:
        record.update(earliest=eligibility.earliest_date.isoformat(), waiting=eligibility.earliest_date > as_of)

    score, band, predicted, mark, margin = _scored(exam, judged, latest_pass if passed else None, profile)
    facts = [record] + [f for f in (window_fact, english_fact, registration_english) if f is not None]
    if margin is not None:
        facts.append({"t": "plab.margin", "exam": exam.id, "score": score, "pass_mark": mark.value, "margin": margin,
                      "band": band.label if band else ""})
    if profile.plan.predicted_score is not None and mark is not None:
        notes.append(f"Your predicted PLAB 1 score is measured against the pass mark of your latest judged sitting "
                     f"({mark.value:g}); the next sitting sets its own.")
    return Assessment(exam=exam, attempts=judged, eligibility=eligibility, score=score, band=band,
                      predicted_band=predicted, pass_mark=mark, facts=facts, notes=notes,
                      parts=_plab2_parts(profile) if exam.id == "plab2" else [])


def _plab2_parts(profile: Profile) -> list[PartResult]:
    """PLAB 2's two tests in the latest sitting, when its station counts and scores were given: stations
    passed against the minimum for that exam, overall score against the pass score (both set per exam)."""
    if not profile.attempts or not profile.attempts[-1].parts:
        return []
    given = profile.attempts[-1].parts
    found = []
    for name, value_key, minimum_key in (("stations passed", "stations_passed", "stations_required"),
                                         ("overall score", "score", "pass_score")):
        value, minimum = given.get(value_key), given.get(minimum_key)
        if isinstance(value, (int, float)) and isinstance(minimum, (int, float)):
            found.append(PartResult(name, float(value), float(minimum), value >= minimum))
    return found


def _scored(exam: ExamSpec, judged: list[JudgedAttempt], valid_pass: JudgedAttempt | None, profile: Profile):
    """The score the verdict reads (the valid pass, else the latest sitting) and its margin band."""
    scored = valid_pass if valid_pass is not None else judged[-1]
    if exam.id != "plab1" or scored.score is None or scored.pass_mark is None:
        return None, None, None, None, None
    margin = scored.score - scored.pass_mark.value
    band = band_for(bands.PLAB1_MARGIN_BANDS, margin)
    predicted = None
    if profile.plan.predicted_score is not None:
        predicted = band_for(bands.PLAB1_MARGIN_BANDS, profile.plan.predicted_score - scored.pass_mark.value)
    return scored.score, band, predicted, scored.pass_mark, margin
