"""USMLE rules across Steps, read from the whole candidate (issue 11).

- Four attempts at any Step without a pass make the examinee ineligible for every Step
  (applications from 2021-07-01; the limit in force on the day is each Step's `attempt_limit`).
- A Step the candidate lists but has not sat is closed by another Step's exhausted attempts: the
  exhausted Step's assessment carries a dated limit for it (`steps_closed_by`), so the timeline says
  so instead of showing the Step as open.
- The time-limit exception (retaking a passed Step because a board's limit expired) needs the full
  sequence complete, Step 3 included.

Plain arithmetic over the candidate's other Steps, judged with this plugin's own ExamSpecs; the
rules in `rules.py` (`usmle.attempt-limit-other-step`, `usmle.time-limit-needs-full-sequence`) say
what it means, with their sources. A one-exam profile has no other Steps, so nothing here changes
its answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from core.errors import ProfileError
from core.exams import Deadline, ExamSpec, JudgedAttempt
from core.scoring import first_pass, judge_attempts

SEQUENCE = ("usmle-step1", "usmle-step2ck", "usmle-step3")


@dataclass(frozen=True)
class Exhausted:
    """Another Step whose attempts reached the limit without a pass."""

    exam: ExamSpec
    attempts: int
    limit: int


def _specs() -> dict[str, ExamSpec]:
    from plugins.usmle import policy

    return {spec.id: spec for spec in policy.EXAMS}


def _judged(spec: ExamSpec, candidate: Any) -> list[JudgedAttempt]:
    try:
        return judge_attempts(spec, candidate.attempts_at(spec.id))
    except ProfileError:
        return []  # that Step's own verdict names the bad field; it cannot count here


def exhausted_elsewhere(exam: ExamSpec, candidate: Any, as_of: date) -> Exhausted | None:
    """The first other Step (in the candidate's order) with `limit` attempts and no pass, if any."""
    if candidate is None or len(candidate.exams) < 2:
        return None
    specs = _specs()
    for other_id in candidate.sat_exams:
        spec = specs.get(other_id)
        if spec is None or other_id == exam.id or spec.attempt_limit is None or not spec.attempt_limit.in_force(as_of):
            continue  # no limit in force (before 2012): nothing to reach
        judged = _judged(spec, candidate)
        limit = spec.attempt_limit.value_at(as_of)
        if first_pass(judged) is None and len(judged) >= limit:
            return Exhausted(spec, len(judged), limit)
    return None


def missing_for_sequence(candidate: Any) -> list[str] | None:
    """Steps of the full sequence the candidate has not passed (names), or None when a one-exam
    profile cannot tell (the exception is then judged as before, on that Step alone)."""
    if candidate is None or len(candidate.exams) < 2:
        return None
    specs = _specs()
    missing = []
    for step in SEQUENCE:
        spec = specs[step]
        if first_pass(_judged(spec, candidate)) is None:
            missing.append(spec.name)
    return missing


def steps_closed_by(exam: ExamSpec, judged: list[JudgedAttempt], candidate: Any, as_of: date) -> list[Deadline]:
    """Dated limits for the Steps the candidate still lists to sit, when `exam`'s own attempts reached
    the attempt limit in force on `as_of` without a pass (the same rule as `exhausted_elsewhere`, seen
    from the exhausted Step). Closed from the sitting that reached the limit, or from the day that
    limit took effect when the sittings are older (Step 2 CS's, under the four-attempt limit of
    2021-07-01). Empty for a one-exam profile."""
    if candidate is None or exam.attempt_limit is None or not exam.attempt_limit.in_force(as_of):
        return []
    in_force = exam.attempt_limit.at(as_of)
    limit = in_force.value
    if len(judged) < limit or first_pass(judged) is not None:
        return []
    from plugins.usmle import policy

    specs = _specs()
    reached = judged[limit - 1]
    closed_from = max(reached.date, in_force.effective)
    out = []
    for other_id in candidate.to_sit:
        spec = specs.get(other_id)
        if spec is None or other_id == exam.id or spec.discontinued is not None:
            continue
        since = "" if closed_from == reached.date else f" (in force from {in_force.effective.isoformat()})"
        out.append(Deadline(
            id="attempt-limit-reached", date=closed_from, source=policy.ATTEMPT_LIMIT, concerns=other_id,
            text=f"{spec.name} is closed to you from this day: {len(judged)} attempts at {exam.name} without a "
                 f"pass reached the limit of {limit}{since}, which ends eligibility for every USMLE Step."))
    return out
