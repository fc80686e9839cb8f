"""Each framework rule as data: facts in -> fired rules and conclusions out.

The cases drive the durable_rules engine directly with the framework's rules only, so a case
states exactly which facts a rule needs. A meta-test checks every framework rule fires somewhere.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from core.engine import Engine, clock_fact
from core.framework import FRAMEWORK_RULES

BASE: dict[str, dict[str, Any]] = {
    "case": {"t": "case", "exam": "x-exam", "exam_name": "X Exam", "plugin": "x", "passed": True,
             "has_score": True, "has_band": True, "score": 221, "attempts_used": 1, "failures": 0,
             "failures_text": "0 failed attempts", "retake_after_pass": "allowed", "retakes_common": False, "all_attempts_reported": True},
    "eligibility": {"t": "eligibility", "exam": "x-exam", "plugin": "x", "passed": True, "can_retake": True,
                    "attempts_used": 1, "attempts_left": 3, "has_limit": True, "attempts_left_text": "3 attempts left",
                    "blocked_by": "", "has_earliest": True, "earliest": "2026-11-25", "months_to_earliest": 0,
                    "time_limit_expired": False},
    "target": {"t": "target", "country": "US", "specialty": "internal-medicine", "specialty_name": "Internal Medicine",
               "setting": "university", "setting_text": "university programs", "competitiveness": 35, "demand": 50,
               "index_text": "50, with 15 added for university programs", "tier": "less-competitive",
               "clinical_term": "US clinical experience (USCE)", "placed": "matched"},
    "band": {"t": "band", "key": "low", "label": "low", "rank": 1, "fits_up_to": 45, "basis": "score",
             "heuristic": True, "index_reading": True},
    "predicted_band": {"t": "predicted_band", "key": "high", "label": "high", "rank": 3, "fits_up_to": 80,
                       "basis": "score", "heuristic": True, "index_reading": True},
    "plan": {"t": "plan", "has_prediction": True, "predicted_score": 246, "gain": 25, "evidence": "practice-exams",
             "big_gain": 20, "small_gain": 10, "has_timeline": True, "months_to_application": 9, "prep_months": 4,
             "months_needed": 4, "slack": 5},
    "programs": {"t": "programs", "stance": "yes"},
    "application": {"t": "application", "clinical_months": 3, "postgraduate": False, "letters": "average",
                    "research": "some", "commitment": True, "statement": "ok", "interview": "ok"},
}

ENGINE = Engine(FRAMEWORK_RULES)


def run(drop: tuple[str, ...] = (), **changes: dict[str, Any]) -> list[str]:
    facts = copy.deepcopy(BASE)
    for kind, fields in changes.items():
        facts[kind].update(fields)
    asserted = [clock_fact(__import__("datetime").date(2026, 11, 25))]
    asserted += [fact for kind, fact in facts.items() if kind not in drop]
    return [firing.rule.id for firing in ENGINE.run(asserted)]


CASES: list[tuple[str, dict[str, Any], list[str], list[str]]] = [
    # name, changes (use "drop" to leave a fact out), must fire, must not fire
    ("fits target -> C", {"band": {"fits_up_to": 60}},
     ["framework.band-fits-target", "framework.end.build-rest-of-cv", "framework.red-flag.score-in-range",
      "framework.decision.keep-score", "framework.alternative.right-targets"],
     ["framework.band-below-target", "framework.end.plan-focused-retake"]),
    ("a bar, not a rank: not read against the index -> C", {"band": {"fits_up_to": 0, "index_reading": False}},
     ["framework.band-meets-bar", "framework.end.build-rest-of-cv"],
     ["framework.band-below-target", "framework.band-fits-target", "framework.end.plan-focused-retake"]),
    ("equal demand fits (boundary)", {"band": {"fits_up_to": 50}}, ["framework.band-fits-target"],
     ["framework.band-below-target"]),
    ("one below demand blocks (boundary)", {"band": {"fits_up_to": 49}}, ["framework.band-below-target"],
     ["framework.band-fits-target"]),
    ("no prediction -> E", {"plan": {"has_prediction": False, "gain": 0, "predicted_score": 0}, "drop": ("predicted_band",)},
     ["framework.gain.no-prediction", "framework.end.adjust-targets", "framework.decision.keep-score"],
     ["framework.gain.big-with-evidence"]),
    ("self-estimate is not evidence", {"plan": {"evidence": "self-estimate"}},
     ["framework.gain.needs-evidence", "framework.end.adjust-targets"], ["framework.gain.big-with-evidence"]),
    ("gain below big", {"plan": {"gain": 19}}, ["framework.gain.too-small"], ["framework.gain.big-with-evidence"]),
    ("gain exactly big (boundary)", {"plan": {"gain": 20}}, ["framework.gain.big-with-evidence"],
     ["framework.gain.too-small"]),
    ("big gain still short", {"predicted_band": {"fits_up_to": 49}}, ["framework.gain.still-short-of-target"],
     ["framework.gain.big-with-evidence"]),
    ("programs no -> G", {"programs": {"stance": "no"}},
     ["framework.programs.reject", "framework.end.improve-other-areas", "framework.red-flag.repeat-attempts-disfavored"],
     ["framework.end.plan-focused-retake"]),
    ("unknown stance, attempts visible -> G", {"programs": {"stance": "unknown"}},
     ["framework.programs.unknown-attempts-visible", "framework.end.improve-other-areas"], []),
    ("unknown stance, retakes routine", {"programs": {"stance": "unknown"}, "case": {"retakes_common": True}},
     ["framework.programs.unknown-retakes-routine", "framework.end.plan-focused-retake"], []),
    ("unknown stance, attempts hidden", {"programs": {"stance": "unknown"}, "case": {"all_attempts_reported": False}},
     ["framework.programs.unknown-attempts-hidden"], []),
    ("too late -> I", {"plan": {"slack": -1}},
     ["framework.timeline.too-late", "framework.end.apply-with-current-score", "framework.red-flag.no-time"],
     ["framework.timeline.enough"]),
    ("zero slack is enough (boundary)", {"plan": {"slack": 0}}, ["framework.timeline.enough"], ["framework.red-flag.no-time"]),
    ("no timeline", {"plan": {"has_timeline": False}}, ["framework.timeline.unknown", "framework.end.apply-with-current-score"], []),
    ("all yes -> J", {},
     ["framework.end.plan-focused-retake", "framework.decision.retake", "framework.cost.time",
      "framework.cost.money-and-strain", "framework.action.focused-retake"],
     ["framework.decision.keep-score", "framework.alternative.own-your-score"]),
    ("small gain flag", {"plan": {"gain": 8}}, ["framework.red-flag.small-gain"], ["framework.red-flag.no-gain"]),
    ("gain of exactly small_gain is flagged", {"plan": {"gain": 10}}, ["framework.red-flag.small-gain"], []),
    ("no gain flag", {"plan": {"gain": -3}}, ["framework.red-flag.no-gain"], ["framework.red-flag.small-gain"]),
    ("prior failure", {"case": {"failures": 1, "attempts_used": 2}}, ["framework.red-flag.prior-failure"],
     ["framework.faq.clean-first-pass"]),
    ("unseen failure is no flag", {"case": {"failures": 1, "attempts_used": 2, "all_attempts_reported": False}},
     [], ["framework.red-flag.prior-failure"]),
    ("clean first pass", {}, ["framework.faq.clean-first-pass"], ["framework.red-flag.prior-failure"]),
    ("weak areas", {"application": {"clinical_months": 0, "letters": "weak", "commitment": False,
                                    "statement": "weak", "interview": "weak"}},
     ["framework.red-flag.no-clinical-experience", "framework.red-flag.weak-letters",
      "framework.red-flag.no-specialty-commitment", "framework.red-flag.weak-personal-statement",
      "framework.red-flag.weak-interview"], []),
    ("mid tier", {"target": {"tier": "mid-to-high", "competitiveness": 60, "demand": 60}},
     ["framework.reality.mid-to-high"], ["framework.reality.less-competitive"]),
    ("ultra tier", {"target": {"tier": "ultra-competitive", "competitiveness": 95, "demand": 95}},
     ["framework.reality.ultra-competitive", "framework.gain.still-short-of-target"], []),
    ("research for academic targets", {"band": {"fits_up_to": 60}, "application": {"research": "none"}},
     ["framework.alternative.research"], []),
    ("substantial research needs no push", {"band": {"fits_up_to": 60}, "application": {"research": "substantial"}},
     [], ["framework.alternative.research"]),
    ("not passed yet", {"case": {"passed": False, "failures": 1}, "eligibility": {"passed": False}},
     ["framework.decision.retake-required", "framework.red-flag.prior-failure"],
     ["framework.band-fits-target", "framework.band-below-target", "framework.reality.less-competitive"]),
    ("result-only pass", {"case": {"has_score": False, "has_band": False}, "drop": ("band",)},
     ["framework.result-only-pass", "framework.end.build-rest-of-cv"],
     ["framework.red-flag.score-in-range", "framework.alternative.own-your-score"]),  # no number to explain
    ("a kept score is owned", {"band": {"fits_up_to": 60}}, ["framework.alternative.own-your-score"], []),
    ("unbanded pass", {"case": {"has_band": False}, "drop": ("band",)},
     ["framework.unbanded-pass", "framework.end.build-rest-of-cv"], []),
    ("policy forbids, score blocks -> E at once (B only)", {"eligibility": {"can_retake": False}},
     ["framework.band-below-target", "framework.end.adjust-targets-score-stands"],
     ["framework.gain.big-with-evidence", "framework.gain.no-prediction", "framework.programs.accept",
      "framework.timeline.enough", "framework.end.plan-focused-retake", "framework.cost.time",
      "framework.action.focused-retake", "framework.red-flag.small-gain", "framework.faq.clean-first-pass",
      "framework.reality.less-competitive", "framework.decision.retake"]),
    ("not passed, attempts limited", {"case": {"passed": False}, "eligibility": {"passed": False}},
     ["framework.pass.attempts-limited"], ["framework.pass.no-attempt-limit"]),
    ("not passed, no attempt limit", {"case": {"passed": False},
                                      "eligibility": {"passed": False, "has_limit": False, "attempts_left": -1}},
     ["framework.pass.no-attempt-limit"], ["framework.pass.attempts-limited"]),
    ("unknown application is not a weak one", {"application": {
        "clinical_months": -1, "letters": "unknown", "commitment": "unknown", "statement": "unknown",
        "interview": "unknown", "research": "unknown", "postgraduate": "unknown"}},
     [], ["framework.red-flag.no-clinical-experience", "framework.red-flag.weak-letters",
          "framework.red-flag.no-specialty-commitment", "framework.red-flag.weak-personal-statement",
          "framework.red-flag.weak-interview"]),
    ("policy forbids: no flowchart decision", {"band": {"fits_up_to": 60}, "eligibility": {"can_retake": False}},
     ["framework.end.build-rest-of-cv"], ["framework.decision.keep-score", "framework.decision.retake"]),
    ("no attempt left, not passed", {"case": {"passed": False, "failures": 4},
                                     "eligibility": {"passed": False, "can_retake": False, "attempts_left": 0,
                                                     "blocked_by": "attempts-exhausted"}},
     ["framework.no-attempt-left.other-routes"], ["framework.decision.retake-required"]),
    ("passed and final: no other routes", {"eligibility": {"can_retake": False, "blocked_by": "passed-final"}},
     [], ["framework.no-attempt-left.other-routes"]),
]


@pytest.mark.parametrize(("name", "changes", "fired", "not_fired"), CASES, ids=[c[0] for c in CASES])
def test_rule_case(name, changes, fired, not_fired):
    changes = dict(changes)
    drop = changes.pop("drop", ())
    result = run(drop=drop, **changes)
    for rule_id in fired:
        assert rule_id in result, f"{rule_id} did not fire; fired: {result}"
    for rule_id in not_fired:
        assert rule_id not in result, f"{rule_id} fired but should not; fired: {result}"


def test_questions_are_asked_in_flowchart_order():
    fired = run()
    order = [fired.index(r) for r in ("framework.band-below-target", "framework.gain.big-with-evidence",
                                      "framework.programs.accept", "framework.timeline.enough",
                                      "framework.end.plan-focused-retake", "framework.decision.retake")]
    assert order == sorted(order)


def test_every_framework_rule_fires_in_some_case():
    fired: set[str] = set()
    for _, changes, _, _ in CASES:
        changes = dict(changes)
        fired.update(run(drop=changes.pop("drop", ()), **changes))
    missing = {r.id for r in FRAMEWORK_RULES} - fired
    assert not missing, f"framework rules no case exercises: {sorted(missing)}"


def test_every_framework_rule_is_sound_data():
    for rule in FRAMEWORK_RULES:
        assert rule.problems() == [], rule.id
        assert rule.source.title.startswith("Retake decision framework")


def test_a_prediction_for_a_retake_that_cannot_happen_is_said_unused_and_gets_no_band():
    from datetime import date

    from core.pipeline import evaluate

    base = {"exam": "usmle-step2ck", "target": {"country": "US", "specialty": "internal-medicine"},
            "plan": {"predicted_score": 236}}
    passed = evaluate({**base, "attempts": [{"date": "2025-09-14", "score": 221}]}, date(2026, 6, 1))
    assert passed.decision == "not_allowed" and passed.predicted_band is None
    assert "framework.prediction-not-used" in [r.rule for r in passed.reasons]
    failed = evaluate({**base, "attempts": [{"date": "2025-09-14", "score": 210}]}, date(2026, 6, 1))
    assert failed.eligibility.can_retake and failed.predicted_band is not None
    assert "framework.prediction-not-used" not in [r.rule for r in failed.reasons]


def test_no_attempt_left_gives_one_thing_to_do_and_a_possible_retake_does_not():
    from datetime import date

    from core.candidate_verdict import evaluate_candidate
    from core.pipeline import evaluate

    fails = [{"date": d, "result": "fail"} for d in ("2022-03-10", "2022-09-12", "2023-05-15", "2024-02-20")]
    target = {"country": "US", "specialty": "internal-medicine"}
    exhausted = evaluate({"exam": "usmle-step1", "attempts": fails, "target": target}, date(2026, 12, 1))
    assert exhausted.decision == "not_allowed"
    assert [a.id for a in exhausted.actions] == ["other-routes"]
    assert "USMLE Step 1: it can no longer be passed" in exhausted.actions[0].text
    # Step 2 CK closed by the Step 1 limit: the same.
    closed = evaluate_candidate({"target": target, "exams": {"usmle-step1": {"attempts": fails},
                                 "usmle-step2ck": {"attempts": [{"date": "2026-03-02", "score": 205}]}}},
                                date(2026, 12, 1)).verdicts["usmle-step2ck"]
    assert "other-routes" in [a.id for a in closed.actions]
    three = evaluate({"exam": "usmle-step1", "attempts": fails[:3], "target": target}, date(2026, 12, 1))
    assert three.eligibility.can_retake and "other-routes" not in [a.id for a in three.actions]
