"""Helpers plugins share: judge attempts against dated pass marks, place a score in a band.

Plain arithmetic, no judgement: which attempt passed, which counts, which band a number is in.
(The profile checks that once lived here are in `core.validation`; their names still import.)
"""

from __future__ import annotations

from typing import Sequence

from core.dated_values import Dated, NotInForce, Source
from core.errors import ProfileError
from core.exams import Band, ExamSpec, JudgedAttempt
from core.profile import Attempt
from core.vocabulary import ATTEMPT_RESULTS
from core.validation import check_dates, check_scores_on_scale  # noqa: F401 - kept importable here

PER_SITTING_SOURCE = Source("The pass mark reported for this sitting (from the profile)")


def pass_mark_for(exam: ExamSpec, attempt: Attempt, index: int) -> Dated[float] | None:
    """The pass mark an attempt is judged by: its own sitting's, else the one in force on its date."""
    if attempt.pass_mark is not None:
        return Dated(attempt.pass_mark, attempt.date, PER_SITTING_SOURCE)
    if exam.pass_mark is None:
        return None
    try:
        return exam.pass_mark.at(attempt.date)
    except NotInForce:
        return None


def judge_attempt(exam: ExamSpec, attempt: Attempt, index: int) -> JudgedAttempt:
    """Result of one attempt: as given, or from its score against the pass mark of its date.

    Raises ProfileError when neither a result nor a judgeable score is given, or when the given
    result contradicts the score and the pass mark.
    """
    field = f"attempts[{index}]"
    mark = pass_mark_for(exam, attempt, index) if attempt.score is not None else None
    derived = None
    if attempt.score is not None and mark is not None:
        derived = "pass" if attempt.score >= mark.value else "fail"
    if attempt.result is not None:
        if derived is not None and attempt.result in ("pass", "fail") and attempt.result != derived:
            raise ProfileError.single(
                f"{field}.result",
                f"says {attempt.result}, but a score of {attempt.score:g} against the pass mark of "
                f"{mark.value:g} in force on {attempt.date.isoformat()} is a {derived}",
                given=attempt.result, allowed=derived,
            )
        return JudgedAttempt(index, attempt.date, attempt.result, attempt.score, mark)
    if derived is not None:
        return JudgedAttempt(index, attempt.date, derived, attempt.score, mark)
    if attempt.score is not None and exam.pass_mark_per_sitting:
        raise ProfileError.single(
            f"{field}.pass_mark",
            f"is needed: {exam.name} sets a pass mark for each sitting, so a score alone cannot say "
            "whether the attempt passed. Give the sitting's pass mark or the result",
            allowed="the pass mark printed on the result, or result: pass | fail",
        )
    raise ProfileError.single(
        f"{field}.result", "is needed: no score and pass mark decide this attempt",
        allowed=" | ".join(ATTEMPT_RESULTS),
    )


def judge_attempts(exam: ExamSpec, attempts: Sequence[Attempt]) -> list[JudgedAttempt]:
    return [judge_attempt(exam, attempt, index) for index, attempt in enumerate(attempts)]


def band_for(bands: Sequence[Band], value: float | None) -> Band | None:
    if value is None:
        return None
    for band in bands:
        if band.contains(value):
            return band
    return None


def first_pass(attempts: Sequence[JudgedAttempt]) -> JudgedAttempt | None:
    return next((a for a in attempts if a.passed), None)
