"""One loaded plugin set's rules, compiled once: the framework's rules, then every plugin's.

Each verdict runs in the rule set of its exam (`RuleBase.engine_for`): the framework's rules, the
rules of the exam's own plugin that are meant for it, and every rule declared for that exam or for
any exam. The rules left out are exactly those whose scope (`core.ownership.scoped`: `plugin ==
NAME` or `exam == ID` on the case) can never match that exam's case fact, so the same rules fire
in the same order; durable_rules only has fewer rules to try each fact against (issue 15: about
10-20% of the engine's time per verdict; `tests/core/test_exam_rule_sets.py` checks the firings
against the whole rule base). Each exam's rule set is registered at its first verdict, so a
command judging one exam registers only that one.

The rules version is a hash of everything that can change a verdict's words or logic (each rule's
id, title, text, source and dates, the compiled rule set, the plugins' versions, every exam's dated
values and the specialty index), so a stored verdict says which rules produced it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import threading
from dataclasses import dataclass, field

from core.engine import Engine
from core.exams import ExamSpec
from core.framework import FRAMEWORK_RULES
from core.plugins import Registry
from core.rules import ANY_EXAM, Rule


@dataclass(frozen=True)
class RuleBase:
    rules: tuple[Rule, ...]
    engine: Engine = field(repr=False)  # the whole rule base (named for the version; run by tests)
    version: str
    rule_owner: dict[str, str] = field(default_factory=dict, repr=False)  # plugin rule id -> plugin
    exam_owner: dict[str, str] = field(default_factory=dict, repr=False)  # exam id -> plugin
    _by_exam: dict[str, Engine] = field(default_factory=dict, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def engine_for(self, exam_id: str) -> Engine:
        """The rule set a verdict on `exam_id` runs in (built and kept at its first use)."""
        engine = self._by_exam.get(exam_id)
        if engine is None:
            with self._lock:
                engine = self._by_exam.get(exam_id)
                if engine is None:
                    engine = Engine(self.rules_for(exam_id))
                    self._by_exam[exam_id] = engine
        return engine

    def rules_for(self, exam_id: str) -> tuple[Rule, ...]:
        """Every rule that can take part in a verdict on `exam_id`, in rule base order."""
        if exam_id not in self.exam_owner:
            return self.rules  # not a registered exam (validation refuses it first): no narrowing
        own = self.exam_owner[exam_id]
        return tuple(rule for rule in self.rules if _can_apply(rule, self.rule_owner.get(rule.id), own, exam_id))


def _can_apply(rule: Rule, owner: str | None, exam_owner: str, exam_id: str) -> bool:
    """Mirrors `core.ownership.scoped`: which exams' case facts the rule's scope can match."""
    if owner is None or rule.exams == ANY_EXAM:
        return True  # a framework rule, or a plugin rule meant for every exam
    if rule.exams is None:
        return owner == exam_owner  # scoped to its plugin's own exams
    return exam_id in rule.exams  # scoped to the exams it names


def compile_rulebase(registry: Registry) -> RuleBase:
    rules = tuple(FRAMEWORK_RULES) + tuple(registry.rules)
    engine = Engine(rules, register=False)  # registered only if something runs the whole rule base
    return RuleBase(rules=rules, engine=engine, version=rules_version(rules, engine, registry),
                    rule_owner=dict(registry.rule_owner), exam_owner=dict(registry.ownership.exam_owner))


def rules_version(rules: tuple[Rule, ...], engine: Engine, registry: Registry) -> str:
    payload = {
        "rules": [
            [r.id, r.title, r.text, str(r.source), str(r.effective), str(r.until), r.confidence]
            for r in rules
        ],
        "engine": engine.name,
        "plugins": registry.plugin_versions(),
        # The exams' dated values (pass marks, limits, scales, bands) and the specialty index decide
        # verdicts as much as rule texts do: a plugin that adds a pass mark from a date, without a
        # new version number, must still change rules_version so `retake cases recheck` re-judges.
        "exams": {exam_id: exam_fingerprint(exam) for exam_id, exam in sorted(registry.exams.items())},
        "specialties": sorted(repr(s) for s in registry.all_specialties()),  # every country's
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:12]


def exam_fingerprint(exam: ExamSpec) -> list[str]:
    """A stable text of every field of an exam that can change a verdict (reprs of frozen dataclasses:
    dates, numbers, sources). Fields holding code (an override's function) are named, not printed,
    since their repr carries a memory address that changes between runs."""
    out = []
    for item in dataclasses.fields(exam):
        text = repr(getattr(exam, item.name))
        out.append(f"{item.name}={_ADDRESS.sub('', text)}")
    return out


_ADDRESS = re.compile(r" at 0x[0-9a-f]+")
