"""Each verdict runs in its exam's rule set (`RuleBase.engine_for`), not the whole rule base.

The narrowing must never change a verdict: every rule left out is one whose scope cannot match
the exam's case fact. Checked as data: for generated profiles over every exam, the rules fired
(in order) in the exam's rule set equal those fired in the whole rule base.
"""

from __future__ import annotations

import sys
from pathlib import Path

from core.facts import build_facts
from core.framework import FRAMEWORK_RULES
from core.pipeline import Pipeline, default_pipeline
from core.plugins import build_registry
from core.profile import parse_profile
from core.rules import ANY_EXAM
from days import AS_OF

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _facts(pipeline: Pipeline, raw: dict) -> tuple[str, list[dict]]:
    profile = parse_profile(raw)
    registry = pipeline.registry
    exam = registry.exam(profile.exam)
    assessment = registry.assess(exam, profile, AS_OF)
    specialty = registry.specialty(profile.target.specialty, profile.target.country)
    return profile.exam, build_facts(profile, assessment, specialty, AS_OF)


def _samples(pipeline: Pipeline, count: int = 600) -> list[dict]:
    """The benchmark's generated profiles (the kit's sample histories per exam, varied in target,
    plan, programs' stance and application), so the check covers what the benchmark measures."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    from profiles import profile_pool

    return profile_pool(pipeline, AS_OF, count)


def test_every_sample_fires_the_same_rules_in_its_exams_rule_set_as_in_the_whole_rule_base():
    pipeline = default_pipeline()
    samples = _samples(pipeline)
    fired: set[str] = set()
    assert len({raw["exam"] for raw in samples}) == len(pipeline.registry.exams)  # every exam is tried
    for raw in samples:
        exam_id, facts = _facts(pipeline, raw)
        whole = [f.rule.id for f in pipeline.engine.run(facts)]
        narrowed = [f.rule.id for f in pipeline.rulebase.engine_for(exam_id).run(facts)]
        assert whole, raw
        assert narrowed == whole, (exam_id, raw)
        fired.update(whole)
    assert len(fired) > 60  # the profiles reach many rules, not a handful


def test_an_exams_rule_set_keeps_the_framework_its_plugins_rules_and_rules_for_any_exam():
    pipeline = default_pipeline()
    base = pipeline.rulebase
    framework = {rule.id for rule in FRAMEWORK_RULES}
    for exam_id, owner in base.exam_owner.items():
        kept = {rule.id for rule in base.rules_for(exam_id)}
        assert framework <= kept
        for rule in base.rules:
            plugin = base.rule_owner.get(rule.id)
            if plugin is None:
                continue
            meant = rule.exams == ANY_EXAM or (exam_id in rule.exams if rule.exams else plugin == owner)
            assert (rule.id in kept) == meant, (exam_id, rule.id)
    # the narrowing is real: no exam needs every rule
    assert all(len(base.rules_for(e)) < len(base.rules) for e in base.exam_owner)


def test_a_third_party_rule_for_any_exam_reaches_every_exam():
    from core import hookimpl
    from core.dated_values import Source
    from core.rules import Rule, fact

    source = Source("Rule set test", "https://example.org/rule-sets")

    class Plugin:
        @hookimpl
        def retake_register_rules(self, register):
            register(Rule(id="ruleset.everywhere", title="For every exam", when={"c": fact("case")},
                          text="everywhere", source=source, exams=ANY_EXAM))

    pipeline = Pipeline(build_registry(extra=[("ruleset", Plugin())]))
    for exam_id in ("usmle-step1", "plab1", "nac"):
        assert "ruleset.everywhere" in {r.id for r in pipeline.rulebase.rules_for(exam_id)}
        raw = next(r for r in _samples(pipeline, 60) if r["exam"] == exam_id)
        assert "ruleset.everywhere" in {r.rule for r in pipeline.evaluate(raw, AS_OF).reasons}, exam_id


def test_an_unknown_exam_gets_the_whole_rule_base():
    base = default_pipeline().rulebase
    assert base.rules_for("no-such-exam") == base.rules
