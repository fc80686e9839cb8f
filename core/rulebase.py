"""One loaded plugin set's rules, compiled once: the framework's rules, then every plugin's.

The rules version is a hash of everything that can change a verdict's words or logic (each rule's
id, title, text, source and dates, the compiled rule set, the plugins' versions, every exam's dated
values and the specialty index), so a stored verdict says which rules produced it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass, field

from core.engine import Engine
from core.exams import ExamSpec
from core.framework import FRAMEWORK_RULES
from core.plugins import Registry
from core.rules import Rule


@dataclass(frozen=True)
class RuleBase:
    rules: tuple[Rule, ...]
    engine: Engine = field(repr=False)
    version: str


def compile_rulebase(registry: Registry) -> RuleBase:
    rules = tuple(FRAMEWORK_RULES) + tuple(registry.rules)
    engine = Engine(rules)
    return RuleBase(rules=rules, engine=engine, version=rules_version(rules, engine, registry))


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
