"""MCC eligibility: MCCQE Part I, the NAC examination and the discontinued MCCQE Part II.

Plain date arithmetic; `rules.py` says what it means. Decisions taken here:
- MCCQE Part I counts sittings from 2018-01-01 whose result is pass, fail, Denied Standing or
  incomplete (starting the exam counts); "No Standing" and older sittings do not.
- The 4th counted attempt may be sat on the first anniversary of the 3rd result or later (a
  29 February result waits until 1 March). Without `result_date`, the result is assumed to come
  the session's own delay (8 weeks; 6 or 12 for two sessions) after the LAST day of the session
  the sitting fell in (`policy.PART1_SESSIONS`); for a sitting outside the listed sessions, the
  session is assumed to end 42 days after the sitting. The verdict names the session and the
  assumption.
- NAC: every sitting except "No Standing" counts toward the three; the latest result is the one
  that stands. Every retake, after a fail as after a pass, skips the next session: the earliest
  retake is the first day of the session after next (sessions in March and September up to 2022,
  May and September from 2023).
"""

from __future__ import annotations

from datetime import date, timedelta

from core.calendar_math import add_months, anniversary
from core.errors import FieldError, ProfileError
from core.exams import Assessment, Eligibility, ExamSpec, JudgedAttempt
from core.scoring import band_for, first_pass, judge_attempts
from core.profile import Profile
from plugins.mccqe import policy

ONE_DAY = timedelta(days=1)


def _whole_scores(profile: Profile) -> None:
    errors = [FieldError(f"attempts[{i}].score", "MCCQE Part I scores are whole numbers", given=a.score,
                         allowed="a whole number, e.g. 441")
              for i, a in enumerate(profile.attempts) if a.score is not None and not float(a.score).is_integer()]
    errors += [FieldError(f"attempts[{i}].pass_mark", "MCCQE Part I has one pass score per scale, set by the MCC",
                          given=a.pass_mark, allowed="leave it out")
               for i, a in enumerate(profile.attempts) if a.pass_mark is not None]
    errors += [FieldError(f"attempts[{i}].result_date", "is before the sitting", given=a.result_date.isoformat(),
                          allowed=f"on or after {a.date.isoformat()}")
               for i, a in enumerate(profile.attempts) if a.result_date is not None and a.result_date < a.date]
    if errors:
        raise ProfileError(errors)


def _no_attempt_after_pass(exam: ExamSpec, judged: list[JudgedAttempt]) -> None:
    passed = first_pass(judged)
    later = [a for a in judged if passed is not None and a.index > passed.index]
    if later:
        raise ProfileError.single(
            f"attempts[{later[0].index}]",
            f"comes after a pass on {passed.date.isoformat()}, and the MCC does not let a passed {exam.name} be sat again",
            given=later[0].date.isoformat(), allowed="remove it (attempts after a pass cannot exist)")


def session_of(sat: date) -> policy.Session | None:
    """The listed MCCQE Part I session a sitting falls in (None: not a listed session)."""
    return next((s for s in policy.PART1_SESSIONS if s.holds(sat)), None)


def assumed_result(sat: date, as_of: date) -> tuple[date, str]:
    """When the result of a sitting on `sat` is assumed to arrive, and the assumption in words."""
    session = session_of(sat)
    if session is not None:
        arrives = session.last + timedelta(weeks=session.result_weeks)
        return arrives, (f"the {session.first.isoformat()} to {session.last.isoformat()} session ended on "
                         f"{session.last.isoformat()}, and its results come about {session.result_weeks} weeks "
                         "after its last day")
    last = sat + timedelta(days=policy.UNLISTED_SESSION_DAYS)
    weeks = policy.RESULT_DELAY_WEEKS.value_at(as_of)
    return last + timedelta(weeks=weeks), (
        f"the session of {sat.isoformat()} is not among the sessions recorded here, so it is assumed to have "
        f"ended by {last.isoformat()} ({policy.UNLISTED_SESSION_DAYS} days later, the longest recorded session), "
        f"with results about {weeks} weeks after its last day")


def result_date(profile: Profile, attempt: JudgedAttempt, as_of: date) -> tuple[date, bool, str]:
    """The day the result of `attempt` arrived, whether it was assumed, and the assumption in words."""
    given = profile.attempts[attempt.index].result_date
    if given is not None:
        return given, False, ""
    arrives, how = assumed_result(attempt.date, as_of)
    return arrives, True, how


def assess_part1(exam: ExamSpec, profile: Profile, as_of: date) -> Assessment:
    _whole_scores(profile)
    judged = judge_attempts(exam, profile.attempts)
    _no_attempt_after_pass(exam, judged)
    counted = [a for a in judged if a.date >= policy.ATTEMPTS_COUNT_FROM and a.result in policy.PART1_COUNTED]
    counted_ids = {a.index for a in counted}
    judged = [JudgedAttempt(a.index, a.date, a.result, a.score, a.pass_mark, counts=a.index in counted_ids,
                            note="" if a.index in counted_ids else "does not count toward the limit") for a in judged]
    limit = policy.PART1_ATTEMPTS.value_at(as_of)
    used = len(counted)
    passing = first_pass(judged)
    notes: list[str] = []
    record = {"t": "mccqe.record", "exam": exam.id, "counted": used, "uncounted": len(judged) - used, "limit": limit,
              "earliest": "", "waiting": False, "fourth_wait": False, "third_result": "", "result_assumed": False,
              "assumption": "", "third_sat": "",
              "gap_sittings": sum(policy.GAP_FROM <= a.date < policy.NEW_FROM for a in judged)}

    if passing is not None:
        eligibility = Eligibility(passed=True, can_retake=False, attempts_used=used,
                                  attempts_left=max(limit - used, 0), blocked_by="passed-final")
    elif used >= limit:
        eligibility = Eligibility(passed=False, can_retake=False, attempts_used=used, attempts_left=0,
                                  blocked_by="attempts-exhausted")
    else:
        earliest = max(judged[-1].date + ONE_DAY, as_of)
        if used == limit - 1:
            third = counted[-1]
            arrived, assumed, how = result_date(profile, third, as_of)
            wait_ends = anniversary(arrived, policy.FOURTH_ATTEMPT_WAIT_YEARS.value_at(third.date))
            earliest = max(earliest, wait_ends)
            record.update(fourth_wait=True, third_result=arrived.isoformat(), result_assumed=assumed,
                          assumption=how, third_sat=third.date.isoformat())
            if assumed:
                notes.append(f"No result_date was given for the attempt of {third.date.isoformat()}: its result is "
                             f"assumed to have arrived on {arrived.isoformat()} ({how}). Give "
                             f"attempts[{third.index}].result_date for an exact earliest date.")
        eligibility = Eligibility(passed=False, can_retake=True, attempts_used=used, attempts_left=limit - used,
                                  earliest_date=earliest)
    if eligibility.earliest_date is not None:
        record.update(earliest=eligibility.earliest_date.isoformat(), waiting=eligibility.earliest_date > as_of)
    if record["gap_sittings"]:
        notes.append("A sitting falls between 2024-11-01 and 2025-03-31, when no MCCQE Part I session is recorded "
                     "here: it is judged only by the result you give.")
    if record["uncounted"]:
        notes.append(f"{record['uncounted']} sitting(s) do not count toward the limit (before 2018, or No Standing).")

    eligibility.notes, notes = notes, []
    scored = passing if passing is not None else judged[-1]
    band = band_for(exam.bands_on(scored.date), scored.score)
    predicted = band_for(exam.bands_on(as_of), profile.plan.predicted_score)
    facts = [record]
    if scored.score is not None:
        mean, sd = policy.PART1_COHORT.value_at(scored.date)
        scale = exam.scale_on(scored.date)
        facts.append({"t": "mccqe.score", "score": scored.score, "z": round((scored.score - mean) / sd, 2),
                      "mean": mean, "sd": sd, "scale": str(scale), "pass_score": scored.pass_mark.value,
                      "new_scale": scored.date >= policy.NEW_FROM})
    return Assessment(exam=exam, attempts=judged, eligibility=eligibility, score=scored.score, band=band,
                      predicted_band=predicted, pass_mark=scored.pass_mark, facts=facts, notes=notes)


def next_session_start(after: date, months: tuple[int, ...] | None = None) -> date:
    """The first day of the first session month strictly after the month of `after`.

    With `months` None, each month is checked against the session months in force in it
    (`policy.NAC_SESSION_MONTHS`), so a count across 2022-2023 follows the change to May.
    """
    year, month = after.year, after.month
    while True:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        first = date(year, month, 1)
        if month in (months if months is not None else policy.NAC_SESSION_MONTHS.value_at(first)):
            return first


def assess_nac(exam: ExamSpec, profile: Profile, as_of: date) -> Assessment:
    errors = [FieldError(f"attempts[{i}].pass_mark", "the NAC pass score is unconfirmed: give the result instead",
                         given=a.pass_mark, allowed="leave it out; result: pass | fail")
              for i, a in enumerate(profile.attempts) if a.pass_mark is not None]
    if errors:
        raise ProfileError(errors)
    judged = judge_attempts(exam, profile.attempts)  # no scale: every sitting needs its result
    counted = [a for a in judged if a.result != "no_standing"]
    limit = policy.NAC_ATTEMPTS.value_at(as_of)
    latest = judged[-1]
    passed = latest.passed  # only the most recent result is valid
    earlier_pass_replaced = not passed and any(a.passed for a in judged)
    used = len(counted)
    # Every retake skips the session after the latest sitting, after a fail as after a pass.
    schedule_from = policy.NAC_SESSION_MONTHS.entries[0].effective
    skip = latest.date >= schedule_from
    if skip:
        skipped = next_session_start(latest.date)
        first_open = next_session_start(skipped)
        bookable = first_open
        # A session whose month is over by as_of cannot be sat any more: the next one is the first
        # open to the candidate (within a session month it may still be running: the day itself).
        while add_months(bookable, 1) <= as_of:
            bookable = next_session_start(bookable)
        earliest = max(bookable, as_of)
    elif as_of >= add_months(schedule_from, 12):
        # Session dates before the recorded schedule are not known here, but both sessions a
        # sitting that old could affect are over by as_of: it no longer limits the next sitting.
        skipped = earliest = first_open = bookable = as_of
    else:
        raise ProfileError.single(
            f"attempts[{len(judged) - 1}].date",
            f"NAC session dates are recorded here from {schedule_from.isoformat()}; a verdict as of "
            f"{as_of.isoformat()} on a sitting before then cannot place the next session",
            given=latest.date.isoformat(), allowed=f"a sitting from {schedule_from.isoformat()}, or a later as_of")
    if used >= limit:
        eligibility = Eligibility(passed=passed, can_retake=False, attempts_used=used, attempts_left=0,
                                  blocked_by="attempts-exhausted")
    else:
        eligibility = Eligibility(passed=passed, can_retake=True, attempts_used=used, attempts_left=limit - used,
                                  earliest_date=earliest)
    record = {"t": "mccqe.nac", "attempts": used, "limit": limit, "passed": passed,
              "earliest": eligibility.earliest_date.isoformat() if eligibility.earliest_date else "",
              "latest": latest.date.isoformat(), "skipped": skipped.strftime("%B %Y") if skip else "",
              "first_open": first_open.strftime("%B %Y") if skip else "",
              "next_session": bookable.strftime("%B %Y") if skip else "",
              "missed": skip and bookable != first_open,
              "skip_session": skip and eligibility.can_retake, "earlier_pass_replaced": earlier_pass_replaced}
    notes = []
    if not skip:
        notes.append(f"Your latest NAC sitting ({latest.date.isoformat()}) is older than the session dates recorded "
                     f"here (from {schedule_from.isoformat()}); both sessions it could affect are over.")
    if earlier_pass_replaced:
        notes.append("An earlier NAC pass was replaced by a later result: only the most recent result is valid.")
    return Assessment(exam=exam, attempts=judged, eligibility=eligibility, facts=[record], notes=notes)


def assess_part2(exam: ExamSpec, profile: Profile, as_of: date) -> Assessment:
    if as_of < policy.PART2_DISCONTINUED:
        raise ProfileError.single("exam", "MCCQE Part II is modelled only to say it was discontinued; "
                                  "verdicts for days before June 2021 are not available", given=exam.id,
                                  allowed=f"an as-of date on or after {policy.PART2_DISCONTINUED.isoformat()}")
    judged = judge_attempts(exam, profile.attempts)
    passed = any(a.passed for a in judged)
    eligibility = Eligibility(passed=passed, can_retake=False, attempts_used=len(judged), attempts_left=0,
                              blocked_by="discontinued",
                              notes=["MCCQE Part II has not been delivered since June 2021. " + policy.LMCC_ROUTE])
    return Assessment(exam=exam, attempts=judged, eligibility=eligibility,
                      facts=[{"t": "mccqe.part2", "passed": passed}])


def assess(exam: ExamSpec, profile: Profile, as_of: date) -> Assessment:
    if exam.id != "mccqe2" and as_of < policy.ATTEMPTS_COUNT_FROM:
        # The attempt rules recorded here start in 2018; older rules are not modelled.
        raise ProfileError.single("as_of", f"{exam.name} verdicts start on {policy.ATTEMPTS_COUNT_FROM.isoformat()}: "
                                  "the MCC attempt rules before 2018 are not recorded", given=as_of.isoformat(),
                                  allowed=f"an as-of date on or after {policy.ATTEMPTS_COUNT_FROM.isoformat()}")
    if exam.id == "nac":
        return assess_nac(exam, profile, as_of)
    if exam.id == "mccqe2":
        return assess_part2(exam, profile, as_of)
    return assess_part1(exam, profile, as_of)
