"""Fuzzing the pipeline with hypothesis: profiles near the contract (mostly valid) and far from it
(junk). Whatever comes in, `evaluate` either returns a Verdict that validates against the contract
or raises ProfileError; nothing else escapes. Deterministic (derandomize) and run in CI."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from core.errors import ProfileError
from core.pipeline import default_pipeline
from core.verdict import Verdict

from days import AS_OF  # the one fixed day (tests/days.py)
PIPELINE = default_pipeline()
EXAMS = sorted(PIPELINE.registry.exams)
RULE_IDS = {rule.id for rule in PIPELINE.rules}
# No shrinking: a fault is reported as found (hypothesis prints the profile), because shrinking a
# large nested profile ran for over an hour in CI when the fuzzer found a real fault.
NO_SHRINK = (Phase.explicit, Phase.generate)
FUZZ = settings(max_examples=1_500, deadline=None, derandomize=True, database=None, phases=NO_SHRINK,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
JUNK = settings(max_examples=800, deadline=None, derandomize=True, database=None, phases=NO_SHRINK,
                suppress_health_check=[HealthCheck.too_slow])


def mostly(good: st.SearchStrategy, bad: st.SearchStrategy) -> st.SearchStrategy:
    """`good` nine times in ten, `bad` otherwise: each profile breaks few rules, so many are valid."""
    return st.integers(0, 9).flatmap(lambda n: bad if n == 9 else good)  # hypothesis favours small n


days = mostly(st.dates(min_value=date(2005, 1, 1), max_value=AS_OF),
              st.dates(min_value=date(1990, 1, 1), max_value=AS_OF + timedelta(days=400)))
words = mostly(st.sampled_from(["pass", "fail", "incomplete"]),
               st.sampled_from(["no_standing", "denied_standing", "PASS", "maybe", ""]))


@st.composite
def attempt(draw: Any, exam_id: str) -> dict[str, Any]:
    exam = PIPELINE.registry.exams[exam_id]
    day = draw(days)
    out: dict[str, Any] = {"date": day.isoformat() if draw(st.booleans()) else day}
    scale = exam.scale_on(day)
    if scale is not None and draw(st.integers(0, 9)) < 9:
        low, high = scale.low, scale.high
        if draw(st.integers(0, 14)) == 14:
            low, high = low - 20, high + 20  # now and then off the scale
        out["score"] = draw(st.one_of(st.integers(int(low), int(high)),
                                      st.floats(low, high, allow_nan=False).map(lambda x: round(x * 2) / 2)))
    if exam.pass_mark_per_sitting and "score" in out and draw(st.booleans()):
        out["pass_mark"] = float(draw(st.integers(int(scale.low), int(scale.high))))
    if exam.parts and draw(st.booleans()):
        out["parts"] = {part: draw(st.one_of(st.integers(0, 20), st.floats(0, 9).map(lambda x: round(x * 2) / 2)))
                        for part in exam.parts}
    if "score" not in out or draw(st.integers(0, 14)) == 14:
        out["result"] = draw(words)
    return out


@st.composite
def near_profiles(draw: Any) -> dict[str, Any]:
    """Profiles shaped like the contract: most are valid, some break one rule."""
    exam_id = draw(mostly(st.sampled_from(EXAMS), st.sampled_from(["usmle-step4", "USMLE-STEP2CK", "PLAB1"])))
    known = exam_id.lower() if exam_id.lower() in PIPELINE.registry.exams else "usmle-step2ck"
    attempts = draw(mostly(st.lists(attempt(known), min_size=1, max_size=3),
                           st.lists(attempt(known), min_size=0, max_size=8)))
    if draw(st.integers(0, 9)) > 0:
        attempts.sort(key=lambda a: str(a["date"]))
    exam = PIPELINE.registry.exams[known]
    country = draw(mostly(st.just(exam.country), st.sampled_from(["UK", "US", "CA", "us", "XX", "Atlantis"])))
    specialties = sorted(PIPELINE.registry.specialties(exam.country))
    profile: dict[str, Any] = {
        "exam": exam_id, "attempts": attempts,
        "target": {"country": country, "specialty": draw(mostly(st.sampled_from(specialties), st.just("astrology"))),
                   "setting": draw(mostly(st.sampled_from(["community", "university", "any"]), st.just("Rural")))},
        "plan": {"evidence": draw(mostly(st.sampled_from(["practice-exams", "self-estimate", "none"]), st.just("hope"))),
                 "prep_months": draw(mostly(st.integers(1, 12), st.integers(-1, 40)))},
        "programs_accept_retakes": draw(mostly(st.sampled_from(["yes", "no", "unknown", True, False]),
                                               st.sampled_from(["Yes", "perhaps", 3]))),
        "application": {"clinical_experience_months": draw(mostly(st.integers(0, 30), st.integers(-5, 1000))),
                        "letters": draw(mostly(st.sampled_from(["weak", "average", "strong"]), st.just("glowing"))),
                        "research": draw(st.sampled_from(["none", "some", "substantial"])),
                        "specialty_commitment": draw(st.booleans())},
        "exceptions": {"time_limit_expired": draw(mostly(st.just(False), st.just(True)))},
    }
    if draw(st.booleans()):
        profile["plan"]["months_to_application"] = draw(mostly(st.integers(0, 24), st.integers(-1, 130)))
    scale = exam.scale_on(AS_OF)
    latest = attempts[-1] if attempts else {}
    if draw(st.booleans()) and scale is not None and isinstance(latest.get("score"), (int, float)):
        predicted = draw(st.integers(min(int(latest["score"]), int(scale.high)), int(scale.high)))
        profile["plan"]["predicted_score"] = draw(mostly(st.just(predicted), st.integers(0, int(scale.high) + 50)))
    if draw(st.integers(0, 19)) == 19:
        profile[draw(st.sampled_from(["favourite_colour", "notes"]))] = "x"
    return profile


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | st.dates(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=30,
)


@st.composite
def junk_profiles(draw: Any) -> Any:
    """Anything at all, and contract-shaped dictionaries with junk in random places."""
    if draw(st.booleans()):
        return draw(json_values)
    profile = draw(near_profiles())
    for key in draw(st.lists(st.sampled_from(["exam", "attempts", "target", "plan", "application",
                                              "programs_accept_retakes", "exceptions"]), max_size=3)):
        profile[key] = draw(json_values)
    return profile


def check(profile: Any) -> Verdict | None:
    try:
        verdict = PIPELINE.evaluate(profile, AS_OF)
    except ProfileError as exc:
        assert exc.errors and all(isinstance(e.field, str) and e.message for e in exc.errors)
        json.dumps([e.to_dict() for e in exc.errors])  # front ends print these as JSON
        return None
    again = Verdict.model_validate(json.loads(verdict.model_dump_json()))  # the output contract
    assert again == verdict
    assert verdict.decision in ("retake", "do_not_retake", "not_allowed", "retake_required")
    assert (verdict.outcome is None) == (not verdict.eligibility.passed)
    assert verdict.reasons and {r.rule for r in verdict.reasons} <= RULE_IDS
    assert verdict.as_of == AS_OF
    return verdict


@pytest.mark.slow
@FUZZ
@given(near_profiles())
def test_profiles_near_the_contract_give_a_verdict_or_a_profile_error(profile: dict[str, Any]):
    check(profile)


@pytest.mark.slow
@JUNK
@given(junk_profiles())
def test_junk_gives_a_profile_error_never_a_crash(profile: Any):
    check(profile)


def test_the_fuzzer_reaches_verdicts_not_only_errors():
    # A fuzzer that only ever produced errors would prove little: count what 300 examples give.
    seen: list[str] = []

    @settings(max_examples=300, deadline=None, derandomize=True, database=None, phases=NO_SHRINK,
              suppress_health_check=[HealthCheck.too_slow])
    @given(near_profiles())
    def sample(profile: dict[str, Any]) -> None:
        verdict = check(profile)
        seen.append(verdict.decision if verdict is not None else "error")

    sample()
    verdicts = len(seen) - seen.count("error")
    assert verdicts >= len(seen) // 5, f"only {verdicts} of {len(seen)} fuzzed profiles were valid"
    assert {"not_allowed", "retake_required"} <= set(seen)


# The 20,000-profile run of issue 16 is `make fuzz` (bench/fuzz.py): it prints its figures.
