"""A deliberately broken plugin for `retake plugins check`: each rule below breaks the contract once."""

import dataclasses

from core import Priority, Rule, hookimpl
from core.dated_values import Source
from core.rules import decision, fact

SOURCE = Source("broken plugin", "https://example.org/broken")


@hookimpl
def retake_register_exams(register):
    from plugins.usmle import policy

    register(dataclasses.replace(policy.EXAMS[-1], id="broken-exam", name="Broken exam", plugin=""))


@hookimpl
def retake_register_rules(register):
    register(Rule(id="broken.misspelt-field", title="t", when={"e": fact("eligibility", blocked_byy="passed-final")},
                  then=[decision("not_allowed")], text="t", source=SOURCE, priority=Priority.POLICY))
    register(Rule(id="broken.bad-placeholder", title="t", when={"c": fact("case")}, then=[decision("retake")],
                  text="Score {case.score:g", source=SOURCE))
    register(Rule(id="broken.unknown-decision", title="t", when={"c": fact("case")}, then=[decision("perhaps")],
                  text="t", source=SOURCE))
    register(Rule(id="other.wrong-prefix", title="t", when={"c": fact("case")}, then=[decision("retake")],
                  text="t", source=SOURCE))
