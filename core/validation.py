"""Checks a profile must pass before it is judged: the ones that need the exam and the day.

The profile model (`core.profile`) checks what a profile says on its own; these check it against
the exam's dated scales and delivery dates and against the as-of day. Every problem is collected,
so one ProfileError names every bad field at once.
"""

from __future__ import annotations

from datetime import date

from core.errors import FieldError, ProfileError
from core.exams import ExamSpec
from core.profile import Profile


def check_profile(exam: ExamSpec, profile: Profile, as_of: date) -> None:
    """Raise ProfileError naming every field `profile` gets wrong for `exam` on `as_of`."""
    errors: list[FieldError] = []
    errors += check_dates(profile, as_of)
    errors += check_scores_on_scale(exam, profile)
    errors += check_delivered(exam, profile)
    errors += check_predicted_score(exam, profile, as_of)
    errors += check_pass_marks(exam, profile)
    if errors:
        raise ProfileError(errors)


def check_pass_marks(exam: ExamSpec, profile: Profile) -> list[FieldError]:
    """A sitting's own pass mark only for exams that set one per sitting: a user's pass_mark must
    never replace a fixed standard (USMLE's 214 from 2025-07-01 is not the profile's to change)."""
    if exam.pass_mark_per_sitting:
        return []
    return [FieldError(f"attempts[{i}].pass_mark", f"{exam.name} does not set a pass mark per sitting: the "
                       "standard in force on the sitting's date applies", given=a.pass_mark, allowed="leave it out")
            for i, a in enumerate(profile.attempts) if a.pass_mark is not None]


def check_delivered(exam: ExamSpec, profile: Profile) -> list[FieldError]:
    """The latest sitting must be from a time the exam was still delivered."""
    if exam.discontinued is None or profile.attempts[-1].date < exam.discontinued:
        return []
    return [FieldError(
        "attempts", f"{exam.name} has not been delivered since {exam.discontinued.isoformat()}",
        given=profile.attempts[-1].date.isoformat(),
        allowed=f"sittings before {exam.discontinued.isoformat()}",
    )]


def check_predicted_score(exam: ExamSpec, profile: Profile, as_of: date) -> list[FieldError]:
    """A predicted retake score must sit on the scale in force now (a retake is sat from now on)."""
    predicted = profile.plan.predicted_score
    if predicted is None:
        return []
    scale = exam.scale_on(as_of)
    if scale is None:
        return [FieldError("plan.predicted_score", f"{exam.name} has no numeric score to predict",
                           given=predicted, allowed="leave it out")]
    if not scale.contains(predicted):
        return [FieldError("plan.predicted_score", f"is off the {exam.name} scale in force now",
                           given=predicted, allowed=f"{scale.low:g} to {scale.high:g}")]
    return []


def check_scores_on_scale(exam: ExamSpec, profile: Profile) -> list[FieldError]:
    """Every score must sit on the scale in force on its test date (and be absent when none is)."""
    errors = []
    for index, attempt in enumerate(profile.attempts):
        if attempt.score is None:
            continue
        scale = exam.scale_on(attempt.date)
        if scale is None:
            if exam.scale is None:
                why = f"{exam.name} scores are not judged here (no confirmed score scale)"
            else:
                why = f"no {exam.name} score scale is recorded for a sitting on {attempt.date.isoformat()}"
            errors.append(FieldError(
                f"attempts[{index}].score", why,
                given=attempt.score, allowed="leave score out and give result: pass | fail",
            ))
        elif not scale.contains(attempt.score):
            errors.append(FieldError(
                f"attempts[{index}].score", f"is off the {exam.name} scale in force on {attempt.date.isoformat()}",
                given=attempt.score, allowed=f"{scale.low:g} to {scale.high:g}",
            ))
    return errors


def check_dates(profile: Profile, as_of: date) -> list[FieldError]:
    return [
        FieldError(f"attempts[{index}].date", f"is after the as-of date {as_of.isoformat()}",
                   given=attempt.date.isoformat(), allowed=f"a date on or before {as_of.isoformat()}")
        for index, attempt in enumerate(profile.attempts)
        if attempt.date > as_of
    ]
