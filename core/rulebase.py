"""One loaded plugin set's rules, compiled once: the framework's rules, then every plugin's.

The rules version is a hash of everything that can change a verdict's words or logic (each rule's
id, title, text, source and dates, the compiled rule set, the plugins' versions), so a stored verdict says which rules produced it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from core.engine import Engine
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
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:12]
