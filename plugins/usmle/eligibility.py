"""USMLE eligibility: attempt counting and waiting periods, as plain date arithmetic."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from core.calendar_math import add_months
from core.errors import FieldError, ProfileError
from core.exams import Assessment, Eligibility, ExamSpec, JudgedAttempt
from core.scoring import band_for, first_pass, judge_attempts
from core.profile import Profile
from plugins.usmle import across, nrmp, policy


def earliest_next_attempt(dates: list[date], as_of: date) -> date:
    """First day the next attempt at a Step may be sat under the 2012 waiting rules.

    With n attempts already sat (oldest first), the next one is attempt n+1:
    - no more than 3 attempts in any 12 months: not before the (n-2)th attempt + 12 months;
    - the 4th and later: at least 12 months after the 1st and 6 months after the latest.
    The result is never before `as_of` nor on the day of the latest attempt.
    """
    earliest = dates[-1] + timedelta(days=1) if dates else as_of
    if as_of >= policy.WAITING_RULES_EFFECTIVE and len(dates) >= policy.MAX_IN_WINDOW:
        window_start = dates[-policy.MAX_IN_WINDOW]
        earliest = max(
            earliest,
            add_months(window_start, policy.WINDOW_MONTHS),
            add_months(dates[0], policy.AFTER_FIRST_MONTHS),
            add_months(dates[-1], policy.AFTER_LATEST_MONTHS),
        )
    return max(earliest, as_of)


def _whole_scores(profile: Profile) -> None:
    errors = [
        FieldError(f"attempts[{i}].score", "USMLE 3-digit scores are whole numbers", given=a.score,
                   allowed="a whole number such as 221")
        for i, a in enumerate(profile.attempts)
        if a.score is not None and not float(a.score).is_integer()
    ]
    if profile.plan.predicted_score is not None and not float(profile.plan.predicted_score).is_integer():
        errors.append(FieldError("plan.predicted_score", "USMLE 3-digit scores are whole numbers",
                                 given=profile.plan.predicted_score, allowed="a whole number such as 240"))
    if errors:
        raise ProfileError(errors)


def _no_attempt_after_pass(exam: ExamSpec, judged: list[JudgedAttempt], profile: Profile) -> None:
    passed = first_pass(judged)
    if passed is None or profile.exceptions.time_limit_expired:
        return
    later = [a for a in judged if a.index > passed.index]
    if later:
        raise ProfileError.single(
            f"attempts[{later[0].index}]",
            f"comes after a pass on {passed.date.isoformat()}, and a passed {exam.name} cannot be retaken",
            given=later[0].date.isoformat(),
            allowed="remove it, or set exceptions.time_limit_expired: true if a board's time limit expired",
        )


def standard_fact(exam: ExamSpec, scored: JudgedAttempt) -> dict:
    """The pass standard a scored sitting was judged by, with its date and how sure the source is."""
    mark = scored.pass_mark
    firm = mark.confidence in ("high", "medium-high")
    since = "long-standing" if mark.effective == policy.LONG_STANDING else f"in force from {mark.effective.isoformat()}"
    detail = f"{since}; {mark.note[0].lower()}{mark.note[1:]}" if mark.note else since
    return {"t": "usmle.standard", "exam": exam.id, "value": mark.value, "effective": mark.effective.isoformat(),
            "sitting": scored.date.isoformat(), "score": scored.score, "passed": scored.passed, "firm": firm,
            "confidence": mark.confidence, "detail": detail, "source": mark.source.title}


def assess_step2cs(exam: ExamSpec, profile: Profile, as_of: date, candidate: Any = None) -> Assessment:
    """Step 2 CS no longer exists: its sittings are a record (they count toward the limit across
    Steps, see `across`), never a retake. Core refuses sittings after the discontinuation day."""
    judged = judge_attempts(exam, profile.attempts)  # no scale: every sitting needs its result
    passed = first_pass(judged) is not None
    # Its failed sittings still count toward the limit across Steps: a Step still to sit is closed.
    eligibility = Eligibility(passed=passed, can_retake=False, attempts_used=len(judged), attempts_left=0,
                              blocked_by="discontinued", deadlines=across.steps_closed_by(exam, judged, candidate, as_of))
    facts = [{"t": "usmle.step2cs", "exam": exam.id, "attempts": len(judged), "passed": passed,
              "failures": sum(a.result == "fail" for a in judged)}]
    return Assessment(exam=exam, attempts=judged, eligibility=eligibility, facts=facts)


def assess(exam: ExamSpec, profile: Profile, as_of: date, candidate: Any = None) -> Assessment:
    if exam.id == "usmle-step2cs":
        return assess_step2cs(exam, profile, as_of, candidate)
    _whole_scores(profile)
    judged = judge_attempts(exam, profile.attempts)
    _no_attempt_after_pass(exam, judged, profile)

    # No attempt limit was in force before 2012-01-01 (`policy.ATTEMPTS` starts then).
    limit = exam.attempt_limit.value_at(as_of) if exam.attempt_limit.in_force(as_of) else None
    used = len(judged)  # every sitting counts, incomplete ones included
    passing = first_pass(judged)
    expired = profile.exceptions.time_limit_expired and passing is not None
    # Across Steps (issue 11): the exception needs the full sequence; four attempts at another Step
    # without a pass end eligibility for this one too. A one-exam profile cannot show either.
    missing = across.missing_for_sequence(candidate) if expired else None
    if missing:
        expired = False
    elsewhere = across.exhausted_elsewhere(exam, candidate, as_of)
    passed = passing is not None and not expired
    left = None if limit is None else max(limit - used, 0)
    notes: list[str] = []

    if passed:
        eligibility = Eligibility(passed=True, can_retake=False, attempts_used=used, attempts_left=left,
                                  blocked_by="passed-final")
    elif elsewhere is not None:
        eligibility = Eligibility(passed=False, can_retake=False, attempts_used=used, attempts_left=0,
                                  blocked_by="ineligible-all-steps")
    elif limit is not None and used >= limit:
        eligibility = Eligibility(passed=False, can_retake=False, attempts_used=used, attempts_left=0,
                                  blocked_by="attempts-exhausted",
                                  deadlines=across.steps_closed_by(exam, judged, candidate, as_of))
    else:
        earliest = earliest_next_attempt([a.date for a in judged], as_of)
        eligibility = Eligibility(passed=False, can_retake=True, attempts_used=used, attempts_left=left,
                                  earliest_date=earliest)
        if expired:
            notes.append("The earlier pass no longer counts for your board because its time limit expired.")
    if profile.exceptions.time_limit_expired and passing is None:
        notes.append("exceptions.time_limit_expired was ignored: there is no pass for a time limit to invalidate.")

    scored = passing if passing is not None else judged[-1]
    score = scored.score
    band = band_for(exam.bands_on(scored.date), score)
    predicted = band_for(exam.bands_on(as_of), profile.plan.predicted_score)

    facts = [{
        "t": "usmle.record", "exam": exam.id, "attempts": used,
        "every_attempt": "both" if used == 2 else f"all {used}",  # "shows both attempts", "all 3 attempts"
        "failures": sum(a.result == "fail" for a in judged),
        "incompletes": sum(a.result == "incomplete" for a in judged),
        "limit": -1 if limit is None else limit, "has_limit": limit is not None,
        "earliest": eligibility.earliest_date.isoformat() if eligibility.earliest_date else "",
        "waiting": bool(eligibility.earliest_date and eligibility.earliest_date > as_of),
        "time_limit_expired": expired,
    }]
    if scored.pass_mark is not None and scored.score is not None:
        facts.append(standard_fact(exam, scored))
    if elsewhere is not None:
        facts.append({"t": "usmle.other-step-exhausted", "exam": exam.id, "step": elsewhere.exam.id,
                      "step_name": elsewhere.exam.name, "attempts": elsewhere.attempts, "limit": elsewhere.limit})
    if missing:
        facts.append({"t": "usmle.sequence-incomplete", "exam": exam.id, "missing": ", ".join(missing)})
    if exam.id == "usmle-step2ck" and profile.target.country == "US":
        context = nrmp.context_fact(profile.target.specialty, score)
        if context is not None:
            facts.append(context)

    return Assessment(
        exam=exam, attempts=judged, eligibility=eligibility, score=score, band=band, predicted_band=predicted,
        pass_mark=scored.pass_mark, facts=facts, notes=notes,
    )
