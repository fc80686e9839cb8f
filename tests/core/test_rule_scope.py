"""A plugin rule limited to named exams (`Rule(exams=...)`) fires on those exams whatever else it joins.

It did not fire when the rule had its own `case` pattern: scoping added a second `case` pattern,
and a session holds one case fact, which durable_rules does not match twice in one rule.
"""

from __future__ import annotations

import dataclasses

import pytest

from core import hookimpl
from core.dated_values import Source
from core.pipeline import Pipeline
from core.plugins import build_registry
from core.rules import Rule, decision, fact
from days import AS_OF

SRC = Source("Scope test", "https://example.org/scope")


def _plugin_for(when: dict) -> object:
    from plugins.usmle import policy

    step2ck = next(spec for spec in policy.EXAMS if spec.id == "usmle-step2ck")
    other = dataclasses.replace(step2ck, id="scope-exam", name="Scope exam", plugin="")
    mine = dataclasses.replace(step2ck, id="scope-other", name="Scope other", plugin="")

    class Plugin:
        @hookimpl
        def retake_register_exams(self, register):
            register(other)
            register(mine)

        @hookimpl
        def retake_register_rules(self, register):
            register(Rule(id="scopetest.named", title="Named exam only", when=when, text="fired",
                          source=SRC, exams=("scope-exam",)))
            register(Rule(id="scopetest.passed", title="A pass is final",
                          when={"e": fact("eligibility", blocked_by="passed-final")},
                          then=[decision("not_allowed")], text="final", source=SRC))

        @hookimpl
        def retake_assess(self, exam, profile, as_of, candidate):
            from plugins.usmle import eligibility

            return eligibility.assess(dataclasses.replace(step2ck, id=exam.id, name=exam.name, plugin=exam.plugin),
                                      profile, as_of, None)

    return Plugin()


@pytest.mark.parametrize("when", [
    {"target": fact("target")},                                  # no case pattern of its own
    {"case": fact("case"), "target": fact("target")},            # its own case pattern, joined
    {"e": fact("eligibility"), "target": fact("target")},        # an eligibility pattern, joined
], ids=["target-only", "case-and-target", "eligibility-and-target"])
def test_a_rule_scoped_to_named_exams_fires_there_and_only_there(when):
    pipeline = Pipeline(build_registry(extra=[("scopetest", _plugin_for(when))], entry_points=False))

    def fired(exam: str) -> bool:
        profile = {"exam": exam, "attempts": [{"date": "2025-09-14", "score": 221}],
                   "target": {"country": "US", "specialty": "internal-medicine"}}
        return "scopetest.named" in {r.rule for r in pipeline.evaluate(profile, AS_OF).reasons}

    assert fired("scope-exam")
    assert not fired("scope-other")
