"""Exam-shaped framework output (issue 17): an exam drops or rewords framework conclusions by id,
checked at registration."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from core import Override, hookimpl
from core.dated_values import Source
from core.pipeline import Pipeline
from core.plugins import build_registry
from core.rules import Rule, decision, fact

AS_OF = date(2026, 11, 25)
SOURCE = Source("test", "https://example.org")
PROFILE = {"exam": "shaped-exam", "attempts": [{"date": "2024-01-10", "result": "fail"},
                                               {"date": "2025-03-10", "result": "pass"}],
           "target": {"country": "US", "specialty": "internal-medicine"}}


def plugin(*overrides):
    from plugins.usmle import eligibility, policy

    exam = dataclasses.replace(policy.EXAMS[-1], id="shaped-exam", name="Shaped exam", plugin="",
                               overrides=tuple(overrides))

    class Shaped:
        @hookimpl
        def retake_register_exams(self, register):
            register(exam)

        @hookimpl
        def retake_register_rules(self, register):
            register(Rule(id="shaped.passed", title="t", when={"e": fact("eligibility", passed=True)},
                          then=[decision("not_allowed")], text="Passed.", source=SOURCE))
            register(Rule(id="shaped.not-passed", title="t", when={"e": fact("eligibility", passed=False)},
                          then=[decision("retake_required")], text="Not passed.", source=SOURCE))

        @hookimpl
        def retake_assess(self, exam, profile, as_of):
            return eligibility.assess(exam, profile, as_of)

    return Shaped()


def verdict(*overrides):
    registry = build_registry(extra=[("shaped", plugin(*overrides))], env={"RETAKE_PLUGINS": "usmle"}, strict=True)
    return Pipeline(registry).evaluate(PROFILE, AS_OF)


def test_without_overrides_the_framework_speaks():
    plain = verdict()
    assert "prior-failure" in [f.id for f in plain.red_flags]
    assert "framework.red-flag.prior-failure" in [r.rule for r in plain.reasons]


def test_an_item_override_replaces_the_words_for_that_exam_only():
    shaped = verdict(Override("red_flag:prior-failure", text="Our own words."))
    assert {f.id: f.text for f in shaped.red_flags}["prior-failure"] == "Our own words."
    usmle = Pipeline(build_registry(env={"RETAKE_PLUGINS": "usmle"})).evaluate(
        {**PROFILE, "exam": "usmle-step3"}, AS_OF)
    assert {f.id: f.text for f in usmle.red_flags}.get("prior-failure") != "Our own words."


def test_a_rule_override_without_text_drops_its_reason_and_its_items():
    shaped = verdict(Override("framework.red-flag.prior-failure", why="does not apply"))
    assert "framework.red-flag.prior-failure" not in [r.rule for r in shaped.reasons]
    assert "prior-failure" not in [f.id for f in shaped.red_flags]
    assert shaped.decision == verdict().decision


def test_a_rule_override_with_text_rewords_the_reason():
    shaped = verdict(Override("framework.red-flag.prior-failure", text="Reworded."))
    assert {r.rule: r.text for r in shaped.reasons}["framework.red-flag.prior-failure"] == "Reworded."


@pytest.mark.parametrize("override,expected", [
    (Override("framework.no-such-rule"), "there is no rule 'framework.no-such-rule'"),
    (Override("action:no-such-action"), "concludes the action 'no-such-action'"),
    (Override("shaped.passed", text="x"), "concludes the decision"),
    (Override("red_flag:prior-failure", text="Score {case.score}"), "plain words"),
])
def test_a_bad_override_is_refused_at_registration_naming_it(override, expected):
    registry = build_registry(extra=[("shaped", plugin(override))], env={"RETAKE_PLUGINS": "usmle"})
    (failed,) = registry.load_errors
    assert failed.name == "shaped" and expected in failed.error and "shaped-exam" in failed.error
