"""PLAB rules across exams, read from the whole candidate (issue 11).

- The English result must be under two years old on the PLAB 1 test date (the GMC; policies.md
  "English evidence vs PLAB 1"). Judged by the English module itself, as of the PLAB 1 date, on the
  sittings taken by then: the same minimums, validity and most-recent-sitting reading as the
  English verdict. Exactly two years old is refused; a day younger counts.
- PLAB 2 must be passed within the PLAB 1 pass's window (two years; three for passes under the
  COVID-19 extension, which ended on 2025-03-31): a PLAB 2 verdict shows the window its PLAB 1
  pass opened, which a PLAB 2 profile alone cannot.

Plain arithmetic; the rules `plab.english-valid-on-plab1-date`, `plab.english-not-valid-on-plab1-date`,
`plab.plab2-within-plab1-window` and `plab.plab2-passed-after-window` say what it means. Without the
other exams in the profile nothing here adds a fact, so a one-exam verdict is unchanged.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core.errors import ProfileError
from core.exams import Deadline, ExamSpec, JudgedAttempt
from core.scoring import judge_attempts

ENGLISH = ("ielts-academic", "oet-medicine")
WINDOW_WORDS = {
    "two-years": "two years from the test date, which counts as day one",
    "extended": "three years under the COVID-19 extension",
    "cut-short": "cut short on 2025-03-31, when the three-year COVID-19 extension ended",
}


def _spec(exam_id: str) -> ExamSpec:
    from plugins.plab import exams

    return next(e for e in exams.EXAMS if e.id == exam_id)


def english_sittings(candidate: Any, exam_id: str) -> Any:
    """The candidate's sittings at an English test judged once (`english.judge_sittings`), kept on
    the candidate: the English verdict, the PLAB 1 test date and the registration day all read them.
    Raises ProfileError when a sitting is bad (the English verdict names the field)."""
    from plugins.plab import english

    return candidate.kept(("plab", "english-sittings", exam_id),
                          lambda: english.judge_sittings(_spec(exam_id), candidate.profile(exam_id)))


def english_on_plab1_date(candidate: Any, plab1: list[JudgedAttempt], plab1_pass: JudgedAttempt | None,
                          as_of: date) -> dict | None:
    """Was an English result valid on the PLAB 1 test date? A fact for the PLAB 1 verdict, or None
    when the candidate lists no English test (a one-exam profile). `lapsed`: that result has stopped
    counting since (its last valid day is before `as_of`), so registration will need a new one."""
    if candidate is None or not plab1:
        return None
    listed = [e for e in ENGLISH if candidate.has(e)]
    if not listed:
        return None
    from plugins.plab import english

    sitting = plab1_pass or plab1[-1]
    on = sitting.date
    best: dict | None = None
    for exam_id in listed:
        spec = _spec(exam_id)
        fact = {"t": "plab.english-on-plab1", "exam": "plab1", "test": spec.name, "plab1_date": on.isoformat(),
                "test_date": "", "valid": False, "last_valid": "", "lapsed": False,
                "why": f"no {spec.name} result from before your PLAB 1 sitting of {on.isoformat()}"}
        if candidate.attempts_at(exam_id):
            try:
                before = english_sittings(candidate, exam_id).up_to(on)
            except ProfileError:
                continue  # the English verdict names the bad field
            standing = english.standing_on(before, on)
        else:
            standing = None
        if standing is not None:
            fact["test_date"] = standing.latest.date.isoformat()
            # The GMC reads the most recent sitting before the PLAB 1 date: it counts, it passed but
            # lapsed, or it fell short (an earlier pass does not come back).
            if standing.counted is not None:
                last_valid = english.last_valid_day(standing.counted.date)
                fact.update(valid=True, last_valid=last_valid.isoformat(), lapsed=last_valid < as_of, why="")
            elif standing.expired_pass is not None:
                fact["why"] = (f"your {spec.name} result of {standing.expired_pass.date.isoformat()} was two years "
                               f"old or more on {on.isoformat()}")
            else:
                fact["why"] = (f"your {spec.name} result of {standing.latest.date.isoformat()}, the most recent "
                               f"before that date, does not meet the GMC minimums")
        if best is None or (fact["valid"] and not best["valid"]):
            best = fact
    return best


def plab1_window_for_plab2(candidate: Any, plab2_pass: JudgedAttempt | None, as_of: date) -> tuple[Deadline, dict] | None:
    """The PLAB 2 window the candidate's PLAB 1 pass opened, for the PLAB 2 verdict, or None."""
    if candidate is None or not candidate.has("plab1"):
        return None
    from plugins.plab import eligibility

    try:
        plab1 = judge_attempts(_spec("plab1"), candidate.attempts_at("plab1"))
    except ProfileError:
        return None
    passes = [a for a in plab1 if a.passed]
    if not passes:
        return None
    passed_on = passes[-1].date
    deadline = eligibility.plab2_window(passed_on)
    regime = eligibility.window_regime(passed_on)
    if plab2_pass is None:
        state = "closed" if as_of > deadline.date else "open"
    else:
        state = "in-time" if plab2_pass.date <= deadline.date else "late"
    fact = {"t": "plab.plab1-window", "exam": "plab2", "plab1_date": passed_on.isoformat(),
            "deadline": deadline.date.isoformat(), "regime": regime, "window": WINDOW_WORDS[regime],
            "state": state, "plab2_date": plab2_pass.date.isoformat() if plab2_pass else ""}
    return deadline, fact


def english_at_registration(candidate: Any, registration_last_day: date, as_of: date) -> dict | None:
    """For a passed PLAB 2: the English result must be valid again on the day registration is approved
    (the GMC; policies.md "English test validity"). A fact comparing the English result's last valid
    day with the registration window, or None when the candidate lists no English test."""
    if candidate is None:
        return None
    listed = [e for e in ENGLISH if candidate.has(e) and candidate.attempts_at(e)]
    if not listed:
        return None
    from plugins.plab import english
    best: dict | None = None
    for exam_id in listed:
        spec = _spec(exam_id)
        try:
            standing = english.standing_on(english_sittings(candidate, exam_id), as_of)
        except ProfileError:
            continue  # the English verdict names the bad field
        # Only a result that counts today has a validity end to compare (a lapsed pass keeps its past one).
        counted = standing.counted if standing is not None else None
        ends = english.last_valid_day(counted.date) if counted is not None else None
        if ends is None:
            state = "none"  # no valid English result today (short, or lapsed)
        else:
            state = "covers" if ends >= registration_last_day else "earlier"
        fact = {"t": "plab.english-at-registration", "exam": "plab2", "test": spec.name, "state": state,
                "english_last_valid": ends.isoformat() if ends else "",
                "registration_last_day": registration_last_day.isoformat()}
        if best is None or (ends is not None and (best["english_last_valid"] or "") < ends.isoformat()):
            best = fact
    return best

