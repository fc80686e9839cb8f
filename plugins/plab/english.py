"""IELTS Academic and OET Medicine as the GMC reads them: one sitting, every minimum, two years.

Decisions taken here:
- A sitting meets the GMC bar only on its own: results from two sittings are never combined
  (whether the GMC accepts that is unconfirmed; the verdict says so when it would have mattered).
- The result that counts is the MOST RECENT sitting (incomplete ones aside): the GMC's IELTS and
  OET criteria ask for the scores "in your most recent sitting of the test", so a later, weaker
  sitting replaces an earlier pass (policies.md: medium confidence, re-check the live page; the
  verdict says so when it decides the case).
- Validity: two years counting the test date as day one, so the last valid day is the day before
  the second anniversary.
- IELTS: the overall band is `score`; the four skills are in `parts`. With the skills but no
  overall, the overall is worked out as IELTS does (mean of the four, rounded to the nearest half
  band, quarters rounding up). A given overall that disagrees with that is an impossible result
  and is refused, naming `attempts[i].score`. OET: a letter grade per sub-test in `parts` (A, B, C+, C, D, E), or
  the 0-500 sub-test score, which is turned into its grade.
- No attempt limit and no waiting period: a new sitting can be booked at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Mapping, Union

from core.calendar_math import anniversary
from core.errors import FieldError, ProfileError
from core.exams import Assessment, Deadline, Eligibility, ExamSpec, JudgedAttempt, PartResult
from core.scoring import band_for
from core.profile import Attempt, Profile
from plugins.plab import bands, policy

ONE_DAY = timedelta(days=1)
Part = Union[float, str]


def ielts_overall(skills: Mapping[str, float]) -> float:
    """The IELTS overall band: the mean of the four skills to the nearest half band (x.25 -> x.5, x.75 -> x+1)."""
    mean = sum(skills[s] for s in policy.IELTS_SKILLS) / len(policy.IELTS_SKILLS)
    return math.floor(mean * 2 + 0.5) / 2


def oet_grade(value: Part) -> str:
    if isinstance(value, str):
        return value.strip().upper()
    return next(grade for grade in policy.OET_GRADES if value >= policy.OET_GRADE_FLOORS[grade])


def _half_band(value: float) -> bool:
    return 0 <= value <= 9 and float(value * 2).is_integer()


def _has_exactly(field: str, parts: dict, names: tuple[str, ...], what: str, errors: list[FieldError]) -> bool:
    """True when `parts` names exactly `names`; otherwise one error naming what is allowed."""
    if set(parts) == set(names):
        return True
    errors.append(FieldError(f"{field}.parts", f"needs {what} and nothing else",
                             given=", ".join(sorted(parts)), allowed=", ".join(names)))
    return False


def _check_ielts(index: int, attempt: Attempt, errors: list[FieldError]) -> dict[str, float] | None:
    field = f"attempts[{index}]"
    if attempt.score is not None and not _half_band(attempt.score):
        errors.append(FieldError(f"{field}.score", "IELTS bands move in steps of 0.5", given=attempt.score,
                                 allowed="0 to 9 in steps of 0.5, e.g. 7.5"))
    if not attempt.parts:
        return None
    if not _has_exactly(field, attempt.parts, policy.IELTS_SKILLS, "the four IELTS skills", errors):
        return None
    skills = {}
    for skill in policy.IELTS_SKILLS:
        value = attempt.parts[skill]
        if isinstance(value, str) or not _half_band(value):
            errors.append(FieldError(f"{field}.parts.{skill}", "is not an IELTS band", given=value,
                                     allowed="0 to 9 in steps of 0.5"))
        else:
            skills[skill] = float(value)
    return skills if len(skills) == len(policy.IELTS_SKILLS) else None


def _check_oet(index: int, attempt: Attempt, errors: list[FieldError]) -> dict[str, str] | None:
    field = f"attempts[{index}]"
    if attempt.score is not None:
        errors.append(FieldError(f"{field}.score", "OET Medicine has no overall score; give each sub-test's grade in parts",
                                 given=attempt.score, allowed="parts: {listening: B, reading: A, writing: B, speaking: B}"))
    if not attempt.parts:
        return None
    if not _has_exactly(field, attempt.parts, policy.OET_SUBTESTS, "the four OET sub-tests", errors):
        return None
    grades = {}
    for subtest in policy.OET_SUBTESTS:
        value = attempt.parts[subtest]
        ok = (isinstance(value, str) and value.strip().upper() in policy.OET_GRADES) or (
            not isinstance(value, str) and 0 <= value <= 500)
        if not ok:
            errors.append(FieldError(f"{field}.parts.{subtest}", "is not an OET grade or sub-test score", given=value,
                                     allowed="A, B, C+, C, D, E, or a score from 0 to 500"))
        else:
            grades[subtest] = oet_grade(value)
    return grades if len(grades) == len(policy.OET_SUBTESTS) else None


def _ielts_margin(overall: float, skills: Mapping[str, float], day: date) -> float:
    overall_min = policy.IELTS_OVERALL_MIN.value_at(day)
    skill_min = policy.IELTS_SKILL_MIN.value_at(day)
    return min([overall - overall_min] + [skills[s] - skill_min for s in policy.IELTS_SKILLS])


def _oet_margin(grades: Mapping[str, str], day: date) -> int:
    floor = policy.OET_GRADES.index(policy.OET_MIN_GRADE.value_at(day))
    worst = max(policy.OET_GRADES.index(g) for g in grades.values())
    return floor - worst  # 0: the worst sub-test is exactly B; 1: all A; negative: below B


def _shortfall_ielts(overall: float, skills: Mapping[str, float], day: date) -> str:
    gaps = []
    if overall < policy.IELTS_OVERALL_MIN.value_at(day):
        gaps.append(f"overall {overall:g} (needs {policy.IELTS_OVERALL_MIN.value_at(day):g})")
    gaps += [f"{s} {skills[s]:g} (needs {policy.IELTS_SKILL_MIN.value_at(day):g})"
             for s in policy.IELTS_SKILLS if skills[s] < policy.IELTS_SKILL_MIN.value_at(day)]
    return ", ".join(gaps)


@dataclass(frozen=True)
class Sittings:
    """Every sitting judged against the GMC minimums of its own day: nothing here depends on the day
    the verdict is for, so one judgement serves every day asked about (the English verdict's own
    day, the PLAB 1 test date, the registration day)."""

    judged: list[JudgedAttempt]
    margins: list[float | None]
    shortfalls: list[str]
    per_sitting: list[Mapping[str, Part] | None]

    def up_to(self, day: date) -> "Sittings":
        """The sittings taken on or before `day` (a prefix: the lists stay aligned by attempt index)."""
        n = sum(1 for a in self.judged if a.date <= day)
        return Sittings(self.judged[:n], self.margins[:n], self.shortfalls[:n], self.per_sitting[:n])


@dataclass(frozen=True)
class Standing:
    """Where the sittings up to a day leave the candidate on that day."""

    latest: JudgedAttempt                    # the most recent sitting with scores (the one the GMC reads)
    counted: JudgedAttempt | None            # that sitting, when it passed and is still valid on the day
    expired_pass: JudgedAttempt | None       # that sitting, when it passed but has lapsed by the day
    earlier_valid_pass: JudgedAttempt | None  # an earlier pass still valid on the day (replaced by `latest`)


def last_valid_day(day: date) -> date:
    """The last day a result from `day` counts: two years with the test date as day one."""
    return anniversary(day, policy.ENGLISH_VALIDITY_YEARS.value_at(day)) - ONE_DAY


def standing_on(sittings: Sittings, day: date) -> Standing | None:
    """The standing on `day` from these sittings (None when there are none): pass
    `sittings.up_to(day)` to ask about a day before the latest sitting."""
    taken = sittings.judged
    if not taken:
        return None
    # The GMC reads the most recent sitting (an incomplete one has no scores to read).
    sat = [a for a in taken if a.result != "incomplete"] or taken
    latest = sat[-1]
    counted = latest if latest.passed and last_valid_day(latest.date) >= day else None
    expired = latest if latest.passed and counted is None else None
    earlier = next((a for a in reversed(sat[:-1]) if a.passed and last_valid_day(a.date) >= day), None)
    return Standing(latest, counted, expired, earlier)


def judge_sittings(exam: ExamSpec, profile: Profile) -> Sittings:
    """Judge each sitting on its own day. Raises ProfileError naming every bad field."""
    ielts = exam.id == "ielts-academic"
    errors: list[FieldError] = []
    judged: list[JudgedAttempt] = []
    margins: list[float | None] = []
    shortfalls: list[str] = []
    per_sitting: list[Mapping[str, Part] | None] = []
    for index, attempt in enumerate(profile.attempts):
        if attempt.pass_mark is not None:
            errors.append(FieldError(f"attempts[{index}].pass_mark", f"{exam.name} minimums are the GMC's, not per sitting",
                                     given=attempt.pass_mark, allowed="leave it out"))
        if not ielts and attempt.date < policy.OET_RECOGNISED_FROM:
            errors.append(FieldError(f"attempts[{index}].date", "is before the GMC accepted OET Medicine",
                                     given=attempt.date.isoformat(), allowed=f"from {policy.OET_RECOGNISED_FROM.isoformat()}"))
            continue
        parts = _check_ielts(index, attempt, errors) if ielts else _check_oet(index, attempt, errors)
        per_sitting.append(parts)
        overall = attempt.score
        if ielts and parts is not None:
            derived_overall = ielts_overall(parts)
            if overall is None:
                overall = derived_overall
            elif _half_band(overall) and overall != derived_overall:
                errors.append(FieldError(
                    f"attempts[{index}].score",
                    f"an IELTS overall of {overall:g} is impossible with these four skills: their mean "
                    f"({sum(parts.values()) / 4:g}) rounds to {derived_overall:g} (nearest half band, .25 and .75 round up)",
                    given=overall, allowed=f"{derived_overall:g}, or leave score out to have it worked out"))
        margin: float | None = None
        shortfall = ""
        if parts is not None and (overall is not None or not ielts):
            margin = _ielts_margin(overall, parts, attempt.date) if ielts else _oet_margin(parts, attempt.date)
            if ielts:
                shortfall = _shortfall_ielts(overall, parts, attempt.date)
            else:
                shortfall = ", ".join(f"{s} {g}" for s, g in parts.items() if policy.OET_GRADES.index(g) > 1)
        elif ielts and overall is not None and overall < policy.IELTS_OVERALL_MIN.value_at(attempt.date):
            margin = overall - policy.IELTS_OVERALL_MIN.value_at(attempt.date)
            shortfall = f"overall {overall:g}"
        derived = None if margin is None else ("pass" if margin >= 0 else "fail")
        result = attempt.result
        if result in ("no_standing", "denied_standing"):
            errors.append(FieldError(f"attempts[{index}].result", f"is not a {exam.name} result", given=result,
                                     allowed="pass | fail | incomplete"))
        elif result is not None and derived is not None and result in ("pass", "fail") and result != derived:
            errors.append(FieldError(f"attempts[{index}].result",
                                     f"says {result}, but these results {'meet' if derived == 'pass' else 'miss'} the GMC minimums",
                                     given=result, allowed=derived))
        elif result is None and derived is None:
            errors.append(FieldError(f"attempts[{index}].parts", f"is needed to judge this {exam.name} sitting against the GMC minimums",
                                     allowed=("listening, reading, writing, speaking bands (or result: pass | fail)" if ielts
                                              else "a grade for listening, reading, writing, speaking (or result: pass | fail)")))
        result = result or derived or "fail"
        judged.append(JudgedAttempt(index, attempt.date, result, overall if ielts else None,
                                    policy.IELTS_OVERALL_MIN.at(attempt.date)  # the GMC's minimum with its own date, not the sitting's
                                    if ielts else None))
        margins.append(margin)
        shortfalls.append(shortfall)
    if errors:
        raise ProfileError(errors)
    return Sittings(judged, margins, shortfalls, per_sitting)


def assess(exam: ExamSpec, profile: Profile, as_of: date, sittings: Sittings | None = None) -> Assessment:
    """The English verdict's assessment on `as_of`; `sittings` is `judge_sittings(exam, profile)`
    when the caller already has it (the candidate keeps one per English test)."""
    ielts = exam.id == "ielts-academic"
    if sittings is None:
        sittings = judge_sittings(exam, profile)
    judged, margins, shortfalls, per_sitting = sittings.judged, sittings.margins, sittings.shortfalls, sittings.per_sitting
    # Every sitting counts (core.validation has refused sittings after as_of); a profile has at least one.
    standing = standing_on(sittings, as_of)
    if standing is None:
        raise ProfileError.single("attempts", "needs at least one sitting")
    latest, counted, earlier_valid_pass = standing.latest, standing.counted, standing.earlier_valid_pass
    expired_passes = [standing.expired_pass] if standing.expired_pass is not None else []
    replaced = counted is None and not expired_passes and earlier_valid_pass is not None
    valid_passes = [counted] if counted is not None else []
    scored = counted if counted is not None else latest
    margin = margins[scored.index]
    table = bands.IELTS_BANDS if ielts else bands.OET_BANDS
    band = band_for(table, margin)
    predicted = None
    if ielts and profile.plan.predicted_score is not None and margin is not None and scored.score is not None:
        predicted = band_for(table, margin + profile.plan.predicted_score - scored.score)

    deadlines = [Deadline("english-validity", last_valid_day(counted.date),
                          f"Last day your {exam.name} result of {counted.date.isoformat()} is valid for the GMC: it must be "
                          "valid on your PLAB 1 test date and on the day your registration is approved.", policy.ENGLISH,
                          kind="validity_end")
                 ] if counted is not None else []
    # A pass that lapsed keeps its (past) validity end: the timeline shows when it stopped counting,
    # which is why the English result cannot be used. Only a current one is `valid_until` below.
    lapsed = [Deadline("english-validity", last_valid_day(a.date),
                       f"Last day your {exam.name} result of {a.date.isoformat()} counted for the GMC: it has "
                       "lapsed, so a new result is needed.", policy.ENGLISH, kind="validity_end")
              for a in expired_passes]
    eligibility = Eligibility(passed=counted is not None, can_retake=True, attempts_used=len(judged), attempts_left=None,
                              earliest_date=max(judged[-1].date + ONE_DAY, as_of), deadlines=deadlines + lapsed)
    combined = not valid_passes and _combination_would_meet(exam, profile, per_sitting, as_of)
    notes = []
    if len(judged) > 1:
        notes.append("Each sitting is judged on its own: results from different sittings are not combined "
                     "(whether the GMC would accept that is unconfirmed), and the most recent sitting is the "
                     "one the GMC reads.")
    if ielts and any(a.score is None for a in profile.attempts):
        notes.append("Where no overall band was given, it was worked out from the four skills as IELTS does.")
    fact = {
        "t": "plab.english", "exam": exam.id, "test": exam.name, "met": counted is not None,
        "margin": margin if margin is not None else 0, "has_margin": margin is not None,
        "shortfall": shortfalls[scored.index], "valid_until": deadlines[0].date.isoformat() if deadlines else "",
        "expired": bool(expired_passes) and counted is None,
        "expired_on": (last_valid_day(expired_passes[-1].date) + ONE_DAY).isoformat() if expired_passes else "",
        "combined_would_meet": combined, "sittings": len(judged),
        "earlier_pass_replaced": replaced,
        "replaced_pass": earlier_valid_pass.date.isoformat() if replaced else "", "latest": latest.date.isoformat(),
    }
    return Assessment(exam=exam, attempts=judged, eligibility=eligibility, score=scored.score, band=band,
                      predicted_band=predicted, pass_mark=scored.pass_mark, facts=[fact], notes=notes,
                      parts=_parts(ielts, scored.score, per_sitting[scored.index], scored.date))


def _parts(ielts: bool, overall: float | None, parts: Mapping[str, Part] | None, day: date) -> list[PartResult]:
    """The deciding sitting's overall and skills (IELTS) or sub-test grades (OET) against the GMC's minimums."""
    if parts is None:
        return []
    if ielts:
        skill_min, overall_min = policy.IELTS_SKILL_MIN.value_at(day), policy.IELTS_OVERALL_MIN.value_at(day)
        found = [PartResult("overall", overall, overall_min, overall >= overall_min)] if overall is not None else []
        return found + [PartResult(s, float(parts[s]), skill_min, parts[s] >= skill_min) for s in policy.IELTS_SKILLS]
    grades = tuple(reversed(policy.OET_GRADES))  # worst first: E ... A
    floor = policy.OET_MIN_GRADE.value_at(day)
    return [PartResult(s, grades.index(g), grades.index(floor), grades.index(g) >= grades.index(floor), shown=g,
                       shown_minimum=floor, scale=grades) for s, g in parts.items()]


def _combination_would_meet(exam: ExamSpec, profile: Profile, per_sitting: list, as_of: date) -> bool:
    """Would the best result per skill across still-valid sittings meet the bar (if combining were allowed)?"""
    valid = [(a, parts) for a, parts in zip(profile.attempts, per_sitting)
             if parts is not None and anniversary(a.date, policy.ENGLISH_VALIDITY_YEARS.value_at(a.date)) > as_of]
    if len(valid) < 2:
        return False
    if exam.id == "ielts-academic":
        best = {s: max(parts[s] for _, parts in valid) for s in policy.IELTS_SKILLS}
        best_overall = max(a.score if a.score is not None else ielts_overall(parts) for a, parts in valid)
        return _ielts_margin(best_overall, best, as_of) >= 0
    best_grades = {s: min((parts[s] for _, parts in valid), key=policy.OET_GRADES.index) for s in policy.OET_SUBTESTS}
    return _oet_margin(best_grades, as_of) >= 0
