"""Properties that must hold for every profile, checked with Hypothesis (derandomized: deterministic).

- A passed USMLE Step or MCCQE Part I never yields `retake` (without the time-limit exception).
- Exhausted attempts always yield `not_allowed`, for every exam with a limit.
- With everything else equal, a higher current score never turns `do_not_retake` into `retake`
  (checked on IELTS, the built-in exam where a passed candidate may choose, and on a test-only
  exam that allows retakes after a pass with the Step 2 CK bands).
- Every reason marked unconfirmed says so in its text.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import hookimpl
from core.dated_values import DatedValues, Source
from core.exams import Assessment, Eligibility, ExamSpec, Scale
from core.scoring import band_for, first_pass, judge_attempts
from core.pipeline import Pipeline
from core.plugins import build_registry
from plugins.mccqe import policy as mccqe_policy
from plugins.usmle import policy as usmle_policy

SETTINGS = settings(derandomize=True, max_examples=60, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
SPECIALTIES = ["family-medicine", "internal-medicine", "psychiatry", "pediatrics", "general-surgery",
               "anesthesiology", "radiology", "dermatology"]

days = st.dates(min_value=date(2018, 6, 1), max_value=date(2026, 11, 1))
context = st.fixed_dictionaries({
    "target": st.fixed_dictionaries({"specialty": st.sampled_from(SPECIALTIES),
                                     "setting": st.sampled_from(["community", "university", "any"])}),
    "programs_accept_retakes": st.sampled_from(["yes", "no", "unknown"]),
    "evidence": st.sampled_from(["practice-exams", "self-estimate", "none"]),
    "months_to_application": st.one_of(st.none(), st.integers(0, 24)),
    "prep_months": st.integers(1, 12),
    "application": st.fixed_dictionaries({"clinical_experience_months": st.integers(0, 24),
                                          "postgraduate_qualification": st.booleans(),
                                          "letters": st.sampled_from(["weak", "average", "strong"]),
                                          "research": st.sampled_from(["none", "some", "substantial"])}),
})


BASE_CTX = {"target": {"specialty": "internal-medicine", "setting": "any"}, "programs_accept_retakes": "unknown",
            "evidence": "none", "months_to_application": None, "prep_months": 4,
            "application": {"clinical_experience_months": 6, "postgraduate_qualification": False,
                            "letters": "average", "research": "none"}}


def build(exam: str, attempts: list[dict[str, Any]], ctx: dict[str, Any], country: str,
          predicted: float | None = None) -> dict[str, Any]:
    plan: dict[str, Any] = {"evidence": ctx["evidence"], "prep_months": ctx["prep_months"]}
    if ctx["months_to_application"] is not None:
        plan["months_to_application"] = ctx["months_to_application"]
    if predicted is not None:
        plan["predicted_score"] = predicted
    return {"exam": exam, "attempts": attempts, "target": {"country": country, **ctx["target"]}, "plan": plan,
            "programs_accept_retakes": ctx["programs_accept_retakes"], "application": ctx["application"]}


def spaced(start: date, count: int, gap_days: int = 200) -> list[date]:
    return [start + timedelta(days=gap_days * i) for i in range(count)]


# --- A pass is final -----------------------------------------------------------------------------

@SETTINGS
@given(day=days, margin=st.integers(0, 60), fails=st.integers(0, 2), ctx=context, predicted=st.integers(200, 280))
def test_passed_usmle_step_never_yields_retake(decide, day, margin, fails, ctx, predicted):
    mark = usmle_policy.STEP2CK_PASS.value_at(day)
    attempts = [{"date": d.isoformat(), "result": "fail"} for d in spaced(day - timedelta(days=200 * fails), fails)]
    attempts.append({"date": day.isoformat(), "score": min(mark + margin, 300)})
    verdict = decide(build("usmle-step2ck", attempts, ctx, "US", predicted), date(2026, 11, 25))
    assert verdict.decision == "not_allowed" and verdict.decision != "retake"


@SETTINGS
@given(day=days, exam=st.sampled_from(["usmle-step1", "usmle-step3"]), ctx=context)
def test_passed_step1_or_step3_never_yields_retake(decide, day, exam, ctx):
    verdict = decide(build(exam, [{"date": day.isoformat(), "result": "pass"}], ctx, "US"), date(2026, 11, 25))
    assert verdict.decision == "not_allowed"


@SETTINGS
@given(day=days.filter(lambda d: not mccqe_policy.GAP_FROM <= d < mccqe_policy.NEW_FROM),
       margin=st.integers(0, 150), ctx=context, predicted=st.integers(300, 600))
def test_passed_mccqe1_never_yields_retake(decide, day, margin, ctx, predicted):
    scale = mccqe_policy.PART1_SCALE.value_at(day)
    score = min(mccqe_policy.PART1_PASS.value_at(day) + margin, scale.high)
    verdict = decide(build("mccqe1", [{"date": day.isoformat(), "score": score}], ctx, "CA", predicted),
                     date(2026, 11, 25))
    assert verdict.decision == "not_allowed"


# --- Exhausted attempts --------------------------------------------------------------------------

EXHAUSTED = {
    "usmle-step2ck": (4, "US"), "usmle-step3": (4, "US"), "mccqe1": (4, "CA"), "nac": (3, "CA"),
    "plab1": (5, "GB"), "plab2": (5, "GB"),
}


@SETTINGS
@given(exam=st.sampled_from(sorted(EXHAUSTED)), extra=st.integers(0, 3), start=st.dates(date(2018, 1, 1), date(2019, 1, 1)),
       ctx=context, last_pass=st.booleans())
def test_exhausted_attempts_always_not_allowed(decide, exam, extra, start, ctx, last_pass):
    limit, country = EXHAUSTED[exam]
    results = ["fail"] * (limit + extra)
    if exam == "nac" and last_pass:  # NAC counts passes too: a final pass leaves no attempt either
        results[-1] = "pass"
    attempts = [{"date": d.isoformat(), "result": r} for d, r in zip(spaced(start, len(results)), results)]
    verdict = decide(build(exam, attempts, ctx, country), date(2026, 11, 25))
    assert verdict.decision == "not_allowed"
    assert verdict.eligibility.can_retake is False


# --- Monotonic in the current score --------------------------------------------------------------

SRC = Source("Test-only exam for properties")
FREE = ExamSpec(
    id="free-exam", name="Free Exam", country="US", authority="Test board", sources=(SRC,),
    retake_after_pass="allowed", retake_after_pass_source=SRC,
    scale=DatedValues.constant(Scale(1, 300), SRC), pass_mark=DatedValues.constant(200.0, SRC),
    bands=DatedValues.constant(usmle_policy.STEP2CK_BANDS, SRC), big_gain=20, small_gain=10,
)


class FreePlugin:
    @hookimpl
    def retake_register_exams(self, register):
        register(FREE)

    @hookimpl
    def retake_assess(self, exam, profile, as_of):
        judged = judge_attempts(exam, profile.attempts)
        passed = first_pass(judged) is not None
        eligibility = Eligibility(passed=passed, can_retake=True, attempts_used=len(judged), attempts_left=None,
                                  earliest_date=as_of)
        score = judged[-1].score
        return Assessment(exam=exam, attempts=judged, eligibility=eligibility, score=score,
                          band=band_for(exam.bands_on(as_of), score),
                          predicted_band=band_for(exam.bands_on(as_of), profile.plan.predicted_score))


@pytest.fixture(scope="module")
def free_pipeline() -> Pipeline:
    return Pipeline(build_registry(extra=[("free", FreePlugin())], entry_points=False, strict=True))


@SETTINGS
@given(low=st.integers(200, 300), bump=st.integers(1, 100), predicted=st.integers(200, 300), ctx=context)
def test_higher_score_never_turns_keep_into_retake(free_pipeline, low, bump, predicted, ctx):
    high = min(low + bump, 300)
    decisions = [free_pipeline.evaluate(build("free-exam", [{"date": "2026-06-01", "score": s}], ctx, "US", predicted),
                                        date(2026, 11, 25)).decision for s in (low, high)]
    assert not (decisions[0] == "do_not_retake" and decisions[1] == "retake"), (low, high, decisions)


HALF_BANDS = st.sampled_from([x / 2 for x in range(14, 19)])  # 7.0 .. 9.0


@SETTINGS
@given(bump=st.sampled_from([0.5, 1.0, 1.5]),
       skills=st.fixed_dictionaries({s: HALF_BANDS for s in ("listening", "reading", "writing", "speaking")}),
       predicted=st.sampled_from([7.5, 8.0, 8.5, 9.0]), ctx=context)
def test_higher_ielts_never_turns_keep_into_retake(decide, bump, skills, predicted, ctx):
    # The overall is worked out from the skills (a given overall must agree with them, or it is
    # refused): the higher result has every skill raised by `bump`, capped at 9.
    higher = {s: min(v + bump, 9.0) for s, v in skills.items()}
    decisions = [decide(build("ielts-academic", [{"date": "2026-06-01", "parts": parts}], ctx, "GB",
                              predicted), date(2026, 11, 25)).decision for parts in (skills, higher)]
    assert not (decisions[0] == "do_not_retake" and decisions[1] == "retake"), (skills, higher, decisions)
    # Stronger (issue 10): a met English result is a bar cleared, never weighed against the specialty,
    # so it never ends in a retake; only a result below a GMC minimum must be retaken.
    assert "retake" not in decisions, (skills, higher, decisions)


@SETTINGS
@given(skills=st.fixed_dictionaries({s: st.sampled_from([x / 2 for x in range(0, 19)])
                                     for s in ("listening", "reading", "writing", "speaking")}),
       overall=st.sampled_from([x / 2 for x in range(0, 19)]))
def test_ielts_overall_is_accepted_exactly_when_it_agrees_with_the_skills(decide, skills, overall):
    from plugins.plab.english import ielts_overall
    from core.errors import ProfileError
    attempt = {"date": "2026-06-01", "score": overall, "parts": skills}
    try:
        verdict = decide(build("ielts-academic", [attempt], {**BASE_CTX}, "GB"), date(2026, 11, 25))
    except ProfileError as caught:
        assert overall != ielts_overall(skills)
        assert caught.errors[0].field == "attempts[0].score"
    else:
        assert overall == ielts_overall(skills) and verdict.score == overall


# --- Unconfirmed facts say so -------------------------------------------------------------------

@SETTINGS
@given(exam=st.sampled_from(["plab1", "plab2", "nac", "ielts-academic"]), count=st.integers(1, 5),
       passed=st.booleans(), start=st.dates(date(2019, 1, 1), date(2023, 1, 1)), ctx=context)
def test_unconfirmed_reasons_say_unconfirmed(decide, exam, count, passed, start, ctx):
    results = ["fail"] * (count - 1) + ["pass" if passed else "fail"]
    attempts = []
    for d, r in zip(spaced(start, count, 150), results):
        if exam == "ielts-academic":
            skills = {"listening": 7.5, "reading": 7.5, "writing": 7.0 if r == "pass" else 6.5, "speaking": 7.5}
            attempts.append({"date": d.isoformat(), "score": 7.5, "parts": skills})
        else:
            attempts.append({"date": d.isoformat(), "result": r})
    country = "CA" if exam == "nac" else "GB"
    verdict = decide(build(exam, attempts, ctx, country), start + timedelta(days=150 * count + 30))
    for reason in verdict.reasons:
        if reason.confidence == "unconfirmed":
            assert "unconfirmed" in reason.text.lower(), reason.rule


def test_monotonic_properties_are_not_vacuous(free_pipeline, decide):
    """Both sides of the monotonic properties occur: the flowchart can end in a retake and in a keep."""
    ctx = {"target": {"specialty": "anesthesiology", "setting": "any"}, "programs_accept_retakes": "yes",
           "evidence": "practice-exams", "months_to_application": 12, "prep_months": 4,
           "application": {"clinical_experience_months": 3, "postgraduate_qualification": False,
                           "letters": "average", "research": "some"}}
    def free(score: int) -> str:
        return free_pipeline.evaluate(build("free-exam", [{"date": "2026-06-01", "score": score}], ctx, "US", 250),
                                      date(2026, 11, 25)).decision
    assert free(225) == "retake" and free(245) == "do_not_retake"
    skills = {"listening": 7.0, "reading": 7.5, "writing": 7.5, "speaking": 7.5}
    def english(score: float) -> str:
        return decide(build("ielts-academic", [{"date": "2026-06-01", "score": score, "parts": skills}], ctx, "GB", 8.5),
                      date(2026, 11, 25)).decision
    # A met English result never ends in a retake (a bar, not a rank: see test_higher_ielts_never_…);
    # both sides occur as "must resit" and "keep".
    assert english(7.5) == "do_not_retake"
    short = decide(build("ielts-academic", [{"date": "2026-06-01", "parts": {**skills, "writing": 6.5}}], ctx, "GB", 8.5),
                   date(2026, 11, 25)).decision
    assert short == "retake_required"


# --- No internal errors: any profile yields a verdict or a field error ---------------------------

EXAM_COUNTRY = {"usmle-step1": "US", "usmle-step2ck": "US", "usmle-step3": "US", "plab1": "GB", "plab2": "GB",
                "ielts-academic": "GB", "oet-medicine": "GB", "mccqe1": "CA", "nac": "CA", "mccqe2": "CA"}
RESULTS = st.sampled_from(["pass", "fail", "incomplete", "no_standing", "denied_standing"])


@SETTINGS
@given(exam=st.sampled_from(sorted(EXAM_COUNTRY)), start=st.dates(date(2010, 1, 1), date(2025, 1, 1)),
       gaps=st.lists(st.integers(1, 400), min_size=1, max_size=7), results=st.lists(RESULTS, min_size=7, max_size=7),
       scores=st.lists(st.one_of(st.none(), st.integers(100, 460)), min_size=7, max_size=7),
       later=st.integers(0, 900), ctx=context, expired=st.booleans())
def test_any_profile_gives_a_verdict_or_a_field_error(decide, exam, start, gaps, results, scores, later, ctx, expired):
    from core.errors import ProfileError
    day, attempts = start, []
    for gap, result, score in zip(gaps, results, scores):
        day += timedelta(days=gap)
        attempt: dict[str, Any] = {"date": day.isoformat(), "result": result}
        if score is not None:
            attempt = {"date": day.isoformat(), "score": score}
        attempts.append(attempt)
    data = build(exam, attempts, ctx, EXAM_COUNTRY[exam])
    data["exceptions"] = {"time_limit_expired": expired}
    try:
        verdict = decide(data, day + timedelta(days=later))
    except ProfileError as error:
        assert all(e.field is not None and e.message for e in error.errors)
        return
    assert verdict.decision in ("retake", "do_not_retake", "not_allowed", "retake_required")
    assert verdict.reasons


# --- The English sittings: judged once, read on any day --------------------------------------------

_BANDS = st.sampled_from([6.5, 7.0, 7.5, 8.0])


@st.composite
def _ielts_history(draw: Any) -> tuple[list[dict[str, Any]], date]:
    day = date(2021, 1, 1) + timedelta(days=draw(st.integers(0, 400)))
    sittings = []
    for _ in range(draw(st.integers(1, 4))):
        skills = {s: draw(_BANDS) for s in ("listening", "reading", "writing", "speaking")}
        sittings.append({"date": day.isoformat(), "parts": skills})
        day += timedelta(days=draw(st.integers(1, 500)))
    asked = date.fromisoformat(sittings[0]["date"]) + timedelta(days=draw(st.integers(0, 2000)))
    return sittings, asked


@SETTINGS
@given(_ielts_history())
def test_the_english_standing_on_a_day_is_that_of_the_sittings_taken_by_then(history):
    # One judgement of every sitting, cut at a day, reads exactly as judging only the sittings taken by
    # that day: what lets the PLAB plugin judge the English sittings once per candidate.
    from core.profile import parse_profile
    from plugins.plab import english
    from plugins.plab.across import _spec

    sittings, day = history
    spec = _spec("ielts-academic")
    target = {"country": "GB", "specialty": "internal-medicine"}
    whole = english.judge_sittings(spec, parse_profile({"exam": spec.id, "attempts": sittings, "target": target}))
    taken = [s for s in sittings if date.fromisoformat(s["date"]) <= day]
    cut = english.standing_on(whole.up_to(day), day)
    if not taken:
        assert cut is None
        return
    alone = parse_profile({"exam": spec.id, "attempts": taken, "target": target})
    assert cut == english.standing_on(english.judge_sittings(spec, alone), day)
    assessed = english.assess(spec, alone, day)
    assert assessed.eligibility.passed is (cut.counted is not None)
    if cut.counted is not None:
        assert assessed.eligibility.deadlines[0].date == english.last_valid_day(cut.counted.date) >= day
