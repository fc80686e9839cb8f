"""MCC rules across exams (issue 11): CaRMS reads MCCQE Part I and the NAC together.

For an MCCQE Part I or NAC verdict, when the profile also lists the other exam, one fact says where
the other stands (passed, not passed, still to sit), for the rule `mccqe.carms-needs-both`. The NAC
counts by its most recent result (only that one is valid); MCCQE Part I by any pass. Each exam's own
waiting rule stays in its own verdict, and both earliest dates sit side by side in the timeline.
"""

from __future__ import annotations

from typing import Any

from core.errors import ProfileError
from core.exams import ExamSpec
from core.scoring import judge_attempts

PAIR = {"mccqe1": "nac", "nac": "mccqe1"}


def carms_pair(exam: ExamSpec, candidate: Any) -> dict | None:
    other_id = PAIR.get(exam.id)
    if candidate is None or other_id is None or not candidate.has(other_id):
        return None
    from plugins.mccqe import exams

    other = next(e for e in exams.EXAMS if e.id == other_id)
    attempts = candidate.attempts_at(other_id)
    if not attempts:
        state, passed = "still to sit", False
    else:
        try:
            judged = judge_attempts(other, attempts)
        except ProfileError:
            return None  # the other exam's own verdict names the bad field
        passed = judged[-1].passed if other_id == "nac" else any(a.passed for a in judged)
        state = "passed" if passed else "not passed yet"
    return {"t": "mccqe.carms-pair", "exam": exam.id, "other": other.name, "state": state, "passed": passed}
