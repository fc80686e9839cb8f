"""Ownership at the door: what one plugin registered, checked on its own, then scoped and owned.

- Each plugin's rules are checked alone (`check_contribution`): sound as data, known facts and
  fields, placeholders that render, conclusions the verdict knows, at most `MAX_RULES_PER_PLUGIN`
  (and the whole rule base under `RULE_BUDGET`, below durable_rules' cliff), and compiling in
  durable_rules on their own, so a broken condition disables only its plugin, named.
- A plugin's rules apply to its own exams (`scoped`): each gets the condition `plugin == NAME`
  on the case or eligibility fact it matches, or a pattern on `case` when it matches neither;
  `Rule(exams=ANY_EXAM)` declares a rule meant for every exam. Its specialties apply to the
  countries of its own exams: a specialty without a country becomes one per own country (naming
  a country explicitly is how a plugin declares context for another country).
- An exam id or a (specialty, country) is never taken over (`Ownership.accept`): the built-in
  plugin keeps it and the newcomer is refused, named; two third parties claiming it are both
  refused (neither silently wins by sorting first).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from core.specialty_index import Specialty
from core.exams import ExamSpec
from core.rules import ANY_EXAM, Rule

BUILT_IN_DISTRIBUTION = "retake-verdict"
EXAM_ID = re.compile(r"^[a-z][a-z0-9-]*$")
# durable_rules 2.0.28 never returns from creating a rule set of more than 512 rules (measured:
# 512 rules compile in ~30 ms, 513 hang, whatever the conditions; Ctrl-C does not stop it). The
# framework's rules share the rule base, so the caps leave room for several plugins under it.
ENGINE_RULE_CLIFF = 512
RULE_BUDGET = 480
MAX_RULES_PER_PLUGIN = 200
SCOPE_ALIAS = "scope_"


@dataclass
class Contribution:
    """Everything one plugin registered, before it is accepted."""

    plugin: str
    built_in: bool = False
    exams: list[Any] = field(default_factory=list)
    rules: list[Any] = field(default_factory=list)
    specialties: list[Any] = field(default_factory=list)
    overrides: list[Any] = field(default_factory=list)
    examples: list[Any] = field(default_factory=list)

    @property
    def countries(self) -> set[str]:
        return {e.country for e in self.exams if isinstance(e, ExamSpec)}


def check_contribution(found: Contribution, owned: "Ownership") -> list[str]:
    """Every problem with what one plugin registered, each naming the item and the fix."""
    from core.framework import FRAMEWORK_RULES
    from core.rule_checks import check_rules, check_rules_compile_alone

    problems: list[str] = []
    for exam in found.exams:
        if not isinstance(exam, ExamSpec):
            problems.append(f"registered {type(exam).__name__}, not an ExamSpec")
        elif not EXAM_ID.match(exam.id):
            problems.append(f"exam id {exam.id!r} must be lower-case words joined by dashes")
    ids = [e.id for e in found.exams if isinstance(e, ExamSpec)]
    for twice in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"exam id {twice!r} is registered twice")
    if len(found.rules) > MAX_RULES_PER_PLUGIN:
        problems.append(f"{len(found.rules)} rules: a plugin may register at most {MAX_RULES_PER_PLUGIN} (the rules "
                        f"engine stops answering past {ENGINE_RULE_CLIFF} rules in all); merge rules that differ "
                        "only in a value into one with a condition on it")
        return problems  # compiling that many would only be slow
    total = len(FRAMEWORK_RULES) + len(owned.rules) + len(found.rules)
    if total > RULE_BUDGET:
        problems.append(f"its {len(found.rules)} rules would bring the rule base to {total}, over the limit of "
                        f"{RULE_BUDGET} for all plugins together (the rules engine stops answering past "
                        f"{ENGINE_RULE_CLIFF}); load fewer plugins (RETAKE_PLUGINS) or use fewer rules")
        return problems
    problems += check_rules(found.rules, found.plugin)
    known = {r.id for r in owned.rules}
    problems += [f"rule id {r.id!r} is already registered by plugin {owned.rule_owner[r.id]!r}"
                 for r in found.rules if isinstance(r, Rule) and r.id in known]
    for rule in found.rules:
        if isinstance(rule, Rule) and rule.exams not in (None, ANY_EXAM):
            for exam_id in sorted(set(rule.exams) - set(ids)):
                problems.append(f"rule {rule.id!r}: exams names {exam_id!r}, which is not one of this plugin's "
                                f"exams ({', '.join(ids) or 'none'}); use exams=ANY_EXAM for a rule meant for every exam")
    if not problems:
        problems += check_rules_compile_alone([r for r in found.rules if isinstance(r, Rule)], found.plugin)
    for specialty in found.specialties:
        if not isinstance(specialty, Specialty):
            problems.append(f"registered {type(specialty).__name__}, not a Specialty")
            continue
        problems.extend(specialty.problems())
        if specialty.country is None and not found.countries:
            problems.append(f"specialty {specialty.id!r}: a plugin without exams must give each specialty its country "
                            "(a specialty without one applies to the countries of the plugin's own exams)")
    from core.overrides import check_overrides
    from core.plugin_examples import check_examples

    problems += check_overrides(found)
    problems += check_examples(found)
    return problems


def _with_plugin(pattern: Any, plugin: str) -> Any:
    """A case/eligibility pattern narrowed to one plugin's exams."""
    return _narrowed(pattern, {"plugin": plugin})


def _narrowed(pattern: Any, condition: Mapping[str, Any]) -> Any:
    """`pattern` with `condition` added to its conjunction (once)."""
    if isinstance(pattern, Mapping) and isinstance(pattern.get("$and"), list):
        if condition in pattern["$and"]:
            return pattern
        return {**pattern, "$and": [*pattern["$and"], dict(condition)]}
    return {"$and": [dict(pattern), dict(condition)]}


def scoped(rule: Rule, plugin: str) -> Rule:
    """`rule` as it takes part in the rule base: limited to its plugin's exams unless it says otherwise."""
    if rule.exams == ANY_EXAM:
        return rule
    when = dict(rule.when)
    if rule.exams is not None:  # named exams of the plugin's own
        exams = [{"exam": exam_id} for exam_id in rule.exams]
        condition = exams[0] if len(exams) == 1 else {"$or": exams}
        # A session holds one case fact and durable_rules matches it once per rule: a rule with a
        # `case` pattern of its own is narrowed there, never given a second case pattern.
        for alias, pattern in when.items():
            if pattern_type(pattern) == "case":
                when[alias] = _narrowed(pattern, condition)
                return dataclasses.replace(rule, when=when)
        when[SCOPE_ALIAS] = {"$and": [{"t": "case"}, condition]}
        return dataclasses.replace(rule, when=when)
    for alias, pattern in when.items():
        if pattern_type(pattern) in ("case", "eligibility"):
            when[alias] = _with_plugin(pattern, plugin)
            return dataclasses.replace(rule, when=when)
    when[SCOPE_ALIAS] = {"$and": [{"t": "case"}, {"plugin": plugin}]}
    return dataclasses.replace(rule, when=when)


def pattern_type(pattern: Any) -> str | None:
    """The fact type a `fact(...)` pattern requires, if it pins one."""
    if not isinstance(pattern, Mapping):
        return None
    if isinstance(pattern.get("t"), str):
        return pattern["t"]
    parts = pattern.get("$and")
    for part in parts if isinstance(parts, list) else ():
        if isinstance(part, Mapping) and isinstance(part.get("t"), str):
            return part["t"]
    return None


def _own_specialties(found: Contribution) -> list[Specialty]:
    out: list[Specialty] = []
    for specialty in found.specialties:
        if specialty.country is None:
            out += [dataclasses.replace(specialty, country=c) for c in sorted(found.countries)]
        else:
            out.append(specialty)
    return out


@dataclass
class Ownership:
    """Who owns what among the accepted plugins."""

    exam_owner: dict[str, str] = field(default_factory=dict)
    built_in: set[str] = field(default_factory=set)
    contributions: dict[str, Contribution] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)
    contested: dict[str, list[str]] = field(default_factory=dict)  # claim -> third parties refused for it
    exams: dict[str, ExamSpec] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)
    rule_owner: dict[str, str] = field(default_factory=dict)
    specialties: list[Specialty] = field(default_factory=list)
    examples: dict[str, Any] = field(default_factory=dict)  # name -> core.plugin_examples.Example

    def holds(self, plugin: str) -> bool:
        return plugin in self.contributions

    def _claims(self, found: Contribution) -> dict[str, str]:
        """claim key -> how to name it, for every exam id and (specialty, country) registered."""
        claims = {f"exam {e.id}": f"exam id {e.id!r}" for e in found.exams}
        claims.update({f"specialty {s.id}@{s.country}": f"specialty {s.id!r} for {s.country}"
                       for s in _own_specialties(found)})
        claims.update({f"example {e.name}": f"example name {e.name!r}" for e in found.examples})
        return claims

    def _holder(self, claim: str) -> str | None:
        for name, held in self.contributions.items():
            if claim in self._claims(held):
                return name
        return None

    def accept(self, found: Contribution) -> list[tuple[str, str]]:
        """Take `found` in, or refuse it (recorded in `refused`). Returns the third-party plugins
        evicted by a built-in's claim, or by a second third party's, with the reason."""
        evicted: list[tuple[str, str]] = []
        refusals: list[str] = []
        for claim, named in self._claims(found).items():
            if claim in self.contested:
                refusals.append(f"{named} is claimed by several third-party plugins "
                                f"({', '.join(self.contested[claim])}); none gets it")
                self.contested[claim].append(found.plugin)
                continue
            holder = self._holder(claim)
            if holder is None:
                continue
            if holder in self.built_in:
                refusals.append(f"{named} belongs to the built-in plugin {holder!r} (use another id)")
            elif found.built_in:
                evicted.append((holder, f"refused: {named} belongs to the built-in plugin {found.plugin!r}"))
            else:
                evicted.append((holder, f"refused: {named} is also claimed by plugin {found.plugin!r}; "
                                        "two third-party plugins never share one, so neither gets it"))
                refusals.append(f"{named} is also claimed by plugin {holder!r}; two third-party plugins never "
                                "share one, so neither gets it")
                self.contested[claim] = [holder, found.plugin]
        for loser, reason in evicted:
            self.contributions.pop(loser, None)
            self.refused[loser] = reason
        if refusals:
            self.refused[found.plugin] = "refused: " + "; ".join(refusals)
        else:
            self.contributions[found.plugin] = found
            if found.built_in:
                self.built_in.add(found.plugin)
        self._rebuild()
        return [(name, reason) for name, reason in evicted if name != found.plugin]

    def _rebuild(self) -> None:
        self.exams, self.rules, self.rule_owner, self.specialties, self.exam_owner = {}, [], {}, [], {}
        self.examples = {}
        for name, found in self.contributions.items():
            for exam in found.exams:
                object.__setattr__(exam, "plugin", name)
                self.exams[exam.id] = exam
                self.exam_owner[exam.id] = name
            for rule in found.rules:
                self.rules.append(scoped(rule, name))
                self.rule_owner[rule.id] = name
            self.specialties += _own_specialties(found)
            for example in found.examples:
                self.examples[example.name] = dataclasses.replace(example, plugin=name)
