"""The verdict pipeline, in four steps, each in its own module:

1. validate  (`core.profile.parse_profile`, then `core.validation.check_profile`: the exam and the day)
2. assess    (the exam's plugin, through `Registry.assess`; then `core.facts.build_facts`)
3. run rules (`core.rulebase`: framework + plugin rules compiled once into durable_rules)
4. assemble  (`core.assembly.VerdictAssembler`: fired rules -> Verdict)

Both front ends call only `Pipeline.evaluate` (or the module-level `evaluate`).
"""

from __future__ import annotations

import functools
import threading
from datetime import date
from typing import Any, Mapping

from core.assembly import VerdictAssembler
from core.candidate import Candidate
from core.exams import Assessment
from core.facts import build_facts
from core.profile import Profile, parse_profile
from core.overrides import shape
from core.plugins import Registry, build_registry
from core.rulebase import compile_rulebase
from core.validation import check_profile
from core.verdict import Verdict
from core.vocabulary import DECISION_PRECEDENCE  # noqa: F401 - kept importable here


class Pipeline:
    """One loaded plugin set compiled into one durable_rules rule base."""

    def __init__(self, registry: Registry):
        self.registry = registry
        rulebase = compile_rulebase(registry)
        self.rules = rulebase.rules
        self.rule_map = {rule.id: rule for rule in self.rules}  # for the exams' overrides (core.overrides)
        self.engine = rulebase.engine  # the whole rule base; each verdict runs its exam's rule set
        self.rulebase = rulebase
        self.rules_version = rulebase.version
        self.assembler = VerdictAssembler(self.rules_version)

    def evaluate(self, profile: Profile | Mapping[str, Any], as_of: date) -> Verdict:
        """The verdict for `profile` on `as_of`. Raises ProfileError for bad input."""
        return self.evaluate_with_assessment(profile, as_of)[0]

    def evaluate_with_assessment(self, profile: Profile | Mapping[str, Any], as_of: date,
                                 candidate: "Candidate | None" = None) -> tuple[Verdict, Assessment]:
        """The verdict and the plugin's assessment behind it; `candidate` is the whole person
        (every exam) when `profile` is one exam of a multi-exam profile."""
        if not isinstance(profile, Profile):
            profile = parse_profile(profile)
        exam = self.registry.exam(profile.exam)
        specialty = self.registry.specialty(profile.target.specialty, profile.target.country)
        check_profile(exam, profile, as_of)                                   # 1. validate
        assessment = self.registry.assess(exam, profile, as_of, candidate)    # 2. assess
        facts = build_facts(profile, assessment, specialty, as_of)
        firings = self.rulebase.engine_for(profile.exam).run(facts)          # 3. run the rules
        verdict = self.assembler.assemble(profile, assessment, facts, firings, as_of)  # 4. assemble
        verdict = shape(verdict, exam.overrides, self.rule_map)               # 5. the exam's overrides
        return verdict, assessment


# --- the process-wide default pipeline ----------------------------------------------------------

_DEFAULT_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1)
def _default_pipeline() -> Pipeline:
    return Pipeline(build_registry())


def default_pipeline() -> Pipeline:
    """The pipeline over every installed plugin, built once per process."""
    with _DEFAULT_LOCK:
        return _default_pipeline()


def evaluate(profile: Profile | Mapping[str, Any], as_of: date) -> Verdict:
    """The verdict for `profile` on `as_of`, with every installed plugin."""
    return default_pipeline().evaluate(profile, as_of)
