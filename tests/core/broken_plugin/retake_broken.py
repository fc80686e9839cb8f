"""A deliberately broken plugin for `retake plugins check`: each rule, the override and each example
below break the contract once."""

import dataclasses

from core import Example, Override, Priority, Rule, hookimpl
from core.dated_values import Source
from core.rules import decision, fact

SOURCE = Source("broken plugin", "https://example.org/broken")


@hookimpl
def retake_register_exams(register):
    from plugins.usmle import policy

    register(dataclasses.replace(policy.EXAMS[-1], id="broken-exam", name="Broken exam", plugin="",
                                 overrides=(Override("framework.no-such-rule", why="an id that does not exist"),)))


@hookimpl
def retake_register_examples(register):
    target = {"country": "US", "specialty": "internal-medicine"}
    register(Example("broken-bad-date", "A sitting on a day that is not a day.",
                     text="exam: broken-exam\nattempts: [{date: someday, score: 200}]\n"))
    register(Example("broken-other-exam", "A profile of an exam this plugin does not own.",
                     {"exam": "usmle-step1", "attempts": [{"date": "2025-01-10", "result": "pass"}], "target": target}))
    register(Example("Broken Name", "", {"exam": "broken-exam", "attempts": [], "target": target}))


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
