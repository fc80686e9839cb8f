"""AMC eligibility: plain arithmetic on the attempt history (the judgement is left to rules)."""

from __future__ import annotations

from datetime import date, timedelta

from core import Assessment, Eligibility, ExamSpec, Profile
from core.scoring import first_pass, judge_attempts

from retake_amc import policy


def _near_misses(exam: ExamSpec, judged) -> list:
    """Clinical sittings failed with 9 of 14 between 20 February 2019 and 20 March 2024: a pass today."""
    if exam.id != "amc-clinical":
        return []
    return [a for a in judged
            if a.result == "fail" and a.score == 9 and policy.PASS_10_OF_14 <= a.date < policy.PASS_9_OF_14]


def assess(exam: ExamSpec, profile: Profile, as_of: date) -> Assessment:
    judged = judge_attempts(exam, profile.attempts)
    used = len(judged)  # every sitting counts; an incomplete MCQ is recorded as a fail
    passing = first_pass(judged)
    if passing is not None:
        # Whether a passed AMC exam may be sat again is unconfirmed: treated as final (rule amc.passed-final).
        eligibility = Eligibility(passed=True, can_retake=False, attempts_used=used, attempts_left=None,
                                  blocked_by="passed-final")
    else:
        # No attempt limit (Clinical: the AMC; MCQ: none published) and no published waiting period:
        # the next sitting may be any later day with an open session.
        eligibility = Eligibility(passed=False, can_retake=True, attempts_used=used, attempts_left=None,
                                  earliest_date=max(as_of, judged[-1].date + timedelta(days=1)))
    scored = passing if passing is not None else judged[-1]
    near = _near_misses(exam, judged)
    record = {
        "t": "amc.record", "exam": exam.id, "attempts": used,
        "failures": sum(a.result == "fail" for a in judged),
        "incompletes": sum(a.result == "incomplete" for a in judged),
        "near_miss_9": bool(near), "near_miss_date": near[-1].date.isoformat() if near else "",
    }
    return Assessment(exam=exam, attempts=judged, eligibility=eligibility, score=scored.score,
                      pass_mark=scored.pass_mark, facts=[record])
