"""Static checks of a plugin's rules: ids, fact types and fields, placeholders, compiling with the framework's.

Each check returns a list of problems (plain sentences naming the rule); an empty list means the
check passed. `core.testing.check_plugin` runs them all.
"""

from __future__ import annotations

import functools
import string
from datetime import date
from typing import Any, Iterable, Mapping, Sequence

from core.specialty_index import Specialty
from core.dated_values import Source
from core.errors import EngineError
from core.exams import Band, ExamSpec
from core.rules import Rule, action, answer, decision, note, outcome, red_flag
from core.vocabulary import DECISIONS

_OPERATORS = ("$lt", "$lte", "$gt", "$gte", "$neq", "$eq", "$ex", "$nex", "$mt", "$imt", "$iall", "$iany")


@functools.lru_cache(maxsize=1)
def _core_fact_fields() -> dict[str, frozenset[str]]:
    return {kind: frozenset(names) for kind, names in _build_core_fact_fields().items()}


def core_fact_fields() -> dict[str, set[str]]:
    """The fields of every fact core asserts (see core/facts.py) and of every conclusion fact."""
    return {kind: set(names) for kind, names in _core_fact_fields().items()}


def _build_core_fact_fields() -> dict[str, set[str]]:
    from core.exams import Assessment, Eligibility
    from core.facts import build_facts
    from core.profile import parse_profile

    source = Source("contract kit")
    band = Band("b", "b", 0, 10, rank=1, fits_up_to=50, source=source)
    exam = ExamSpec(id="kit-exam", name="Kit exam", country="US", authority="kit", sources=(source,),
                    retake_after_pass="never", retake_after_pass_source=source)
    profile = parse_profile({"exam": "kit-exam", "attempts": [{"date": "2024-01-01", "score": 5}],
                             "target": {"country": "US", "specialty": "internal-medicine"},
                             "plan": {"predicted_score": 6, "months_to_application": 6}})
    assessment = Assessment(exam=exam, attempts=[], eligibility=Eligibility(True, False, 1, 0),
                            score=5, band=band, predicted_band=band)
    specialty = Specialty("internal-medicine", "Internal Medicine", 35, source)
    fields: dict[str, set[str]] = {}
    for one in build_facts(profile, assessment, specialty, date(2024, 6, 1)):
        fields.setdefault(one["t"], set()).update(one)
    for conclusion in (answer("q", True), outcome("o"), decision("d"), red_flag("k", "t"), action("k", "t"), note("t")):
        fields.setdefault(conclusion["t"], set()).update(conclusion, {"rule"})
    return fields


def _pattern_types(pattern: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(pattern, Mapping):
        for key, value in pattern.items():
            if key == "t" and isinstance(value, str):
                found.add(value)
            elif key in ("$and", "$or") and isinstance(value, list):
                for item in value:
                    found |= _pattern_types(item)
    return found


def _pattern_fields(pattern: Any, same: set[str], refs: list[tuple[str, str]]) -> set[str]:
    """Field names a durable_rules condition reads (of its own fact), plus `$m` and alias references."""
    fields: set[str] = set()
    if isinstance(pattern, list):
        for item in pattern:
            fields |= _pattern_fields(item, same, refs)
        return fields
    if not isinstance(pattern, Mapping):
        return fields
    for key, value in pattern.items():
        if key in ("$and", "$or", "$all", "$any"):
            fields |= _pattern_fields(value, same, refs)
        elif key in _OPERATORS and isinstance(value, Mapping):
            for name, operand in value.items():
                fields.add(name)
                _operand(operand, same, refs)
        elif not key.startswith("$"):
            fields.add(key)
            _operand(value, same, refs)
    return fields


def _operand(value: Any, same: set[str], refs: list[tuple[str, str]]) -> None:
    if isinstance(value, Mapping) and len(value) == 1:
        (key, inner), = value.items()
        if key == "$m" and isinstance(inner, str):
            same.add(inner)
        elif not key.startswith("$") and isinstance(inner, str):
            refs.append((key, inner))


def _placeholders(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    """(problems, [(fact as quoted, field)]) for the `{type.field}` placeholders of a text."""
    found: list[tuple[str, str]] = []
    problems: list[str] = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        return [f"malformed placeholder ({exc}); write a literal brace as '{{{{' or '}}}}'"], []
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if conversion is not None and conversion not in ("s", "r", "a"):
            problems.append(f"placeholder {{{name}!{conversion}}}: the conversion must be !s, !r or !a")
        if "." not in name:
            problems.append(f"placeholder {{{name}}} must name a fact and its field, e.g. {{case.score:g}}")
            continue
        if spec and "{" not in spec:
            try:
                format(0.5, spec)
            except ValueError:
                try:
                    format("x", spec)
                except ValueError:
                    problems.append(f"placeholder {{{name}:{spec}}}: {spec!r} is not a format spec")
        kind, field_name = name.split(".", 1)
        found.append((kind, field_name.split(".")[0].split("[")[0]))
    return problems, found


def check_rules(rules: Sequence[Rule], plugin_name: str, extra_fact_types: Iterable[str] = (),
                fact_fields: Mapping[str, set[str]] | None = None) -> list[str]:
    """Rules are sound data: ids under the plugin's name, known fact types and fields, placeholders.

    `fact_fields` adds field tables for the plugin's own fact types (the kit learns them from the
    facts the plugin's assessments carry), so a misspelt field of a plugin fact is caught too.
    """
    problems: list[str] = []
    fields = {**core_fact_fields(), **(fact_fields or {})}
    views = {kind.replace(".", "_").replace("-", "_"): kind for kind in fields}  # how texts quote a fact type
    plugin_prefix = f"{plugin_name}."
    extra = set(extra_fact_types)
    seen: set[str] = set()
    for rule in rules:
        if not isinstance(rule, Rule):
            problems.append(f"registered a {type(rule).__name__}, not a Rule")
            continue
        problems.extend(rule.problems())
        if not rule.id.startswith(plugin_prefix):
            problems.append(f"rule {rule.id!r}: ids start with the plugin's name ({plugin_prefix}…)")
        if rule.id in seen:
            problems.append(f"rule {rule.id!r}: registered twice")
        seen.add(rule.id)
        alias_types: dict[str, str] = {}
        for alias, pattern in rule.when.items():
            kinds = _pattern_types(pattern)
            if not kinds:
                problems.append(f"rule {rule.id!r}: the pattern under {alias!r} names no fact type "
                                "(use fact('type', ...) or {'t': 'type'})")
                continue
            for kind in kinds:
                if kind not in fields and not kind.startswith(plugin_prefix) and kind not in extra:
                    problems.append(f"rule {rule.id!r}: fact type {kind!r} is neither a core fact "
                                    f"({', '.join(sorted(fields))}) nor one of the plugin's ({plugin_prefix}…)")
            if len(kinds) != 1:
                continue
            kind = next(iter(kinds))
            alias_types[alias] = kind
            same: set[str] = set()
            refs: list[tuple[str, str]] = []
            used = _pattern_fields(pattern, same, refs) - {"t"}
            if kind in fields:
                for name in sorted((used | same) - fields[kind]):
                    problems.append(f"rule {rule.id!r}: fact {kind!r} has no field {name!r} "
                                    f"(its fields: {', '.join(sorted(fields[kind] - {'t'}))})")
            for ref_alias, ref_field in refs:
                if ref_alias not in alias_types:
                    problems.append(f"rule {rule.id!r}: ref({ref_alias!r}, …) under {alias!r} must name an alias "
                                    "matched earlier in 'when'")
                elif alias_types[ref_alias] in fields and ref_field not in fields[alias_types[ref_alias]]:
                    problems.append(f"rule {rule.id!r}: ref({ref_alias!r}, {ref_field!r}): fact "
                                    f"{alias_types[ref_alias]!r} has no such field")
        texts = [rule.text] + [c.get("text", "") for c in rule.then if isinstance(c.get("text"), str)]
        own_views = plugin_name.replace(".", "_").replace("-", "_") + "_"
        for text in texts:
            syntax, quoted_fields = _placeholders(text)
            problems.extend(f"rule {rule.id!r}: {problem}" for problem in syntax)
            for quoted, field_name in quoted_fields:
                kind = views.get(quoted, quoted)
                if kind in fields and field_name not in fields[kind]:
                    problems.append(f"rule {rule.id!r}: the text quotes {{{quoted}.{field_name}}}, but fact "
                                    f"{kind!r} has no field {field_name!r}")
                elif kind not in fields and not quoted.startswith(own_views):
                    problems.append(f"rule {rule.id!r}: the text quotes {{{quoted}.{field_name}}}, but no fact "
                                    f"{quoted!r} exists (core facts: {', '.join(sorted(views))}; the plugin's "
                                    f"own are quoted {own_views}…)")
        problems.extend(_conclusion_problems(rule))
    return problems


def _conclusion_problems(rule: Rule) -> list[str]:
    """A conclusion the verdict cannot hold (an unknown decision, outcome or question) is refused
    here, naming it, rather than failing inside a verdict."""
    from core.vocabulary import OUTCOMES, QUESTIONS

    allowed = {"decision": DECISIONS, "outcome": OUTCOMES}
    problems = []
    for conclusion in rule.then:
        kind = conclusion.get("t")
        if kind in allowed and conclusion.get("value") not in allowed[kind]:
            problems.append(f"rule {rule.id!r}: {kind} {conclusion.get('value')!r} is not one the Verdict knows "
                            f"({', '.join(allowed[kind])})")
        elif kind == "answer" and conclusion.get("question") not in QUESTIONS:
            problems.append(f"rule {rule.id!r}: question {conclusion.get('question')!r} is not one of the "
                            f"flowchart's ({', '.join(QUESTIONS)})")
        elif kind in ("red_flag", "action") and not isinstance(conclusion.get("key"), str):
            problems.append(f"rule {rule.id!r}: a {kind} needs a key (a short id)")
        elif kind in ("red_flag", "action", "note") and not isinstance(conclusion.get("text"), str):
            problems.append(f"rule {rule.id!r}: a {kind} needs a text")
    return problems


def check_rules_compile(rules: Sequence[Rule]) -> list[str]:
    """The framework's rules and these compile together into one durable_rules rule base."""
    from core.engine import Engine
    from core.framework import FRAMEWORK_RULES

    try:
        Engine(tuple(FRAMEWORK_RULES) + tuple(r for r in rules if isinstance(r, Rule)))
    except EngineError as exc:
        return [str(exc)]
    except Exception as exc:  # noqa: BLE001 - anything durable_rules raises is a compile failure
        return [f"the rules do not compile: {type(exc).__name__}: {exc}"]
    return []


def check_rules_compile_alone(rules: Sequence[Rule], plugin_name: str) -> list[str]:
    """One plugin's rules compile in durable_rules on their own (at load, so a malformed condition
    disables only that plugin, named, instead of breaking every exam)."""
    from core.engine import Engine

    if not rules:
        return []
    try:
        Engine(tuple(rules))
    except EngineError as exc:
        return [f"its rules do not compile: {exc}"]
    except Exception as exc:  # noqa: BLE001 - anything durable_rules raises is a compile failure
        return [f"its rules do not compile: {type(exc).__name__}: {exc}"]
    return []


def rule_conclusions(rules: Sequence[Rule], kind: str) -> set[Any]:
    """The values rules conclude for one conclusion type (e.g. every decision a plugin can reach)."""
    return {c.get("value") for r in rules for c in r.then if c.get("t") == kind}


def blocked_by_codes(rules: Sequence[Rule]) -> set[str]:
    """Every `blocked_by` code the rules match on (read from their conditions)."""
    codes: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            for key, value in node.items():
                if key == "blocked_by" and isinstance(value, str) and value:
                    codes.add(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for rule in rules:
        walk(dict(rule.when))
    return codes


__all__ = ["blocked_by_codes", "check_rules", "check_rules_compile", "check_rules_compile_alone", "core_fact_fields", "rule_conclusions"]
