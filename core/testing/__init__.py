"""The contract kit: what every country plugin must pass, and a way to register one for a test.

    from core.testing import assert_plugin_contract, registered_plugin
    import retake_amc

    def test_contract():
        assert_plugin_contract(retake_amc, "amc")          # raises AssertionError listing every problem

    def test_with_the_plugin_loaded():
        with registered_plugin(retake_amc, "amc") as pipeline:   # built-ins + this plugin, for this block only
            verdict = pipeline.evaluate(profile, date(2026, 6, 1))

`check_plugin` runs every check and returns a `ContractReport`: exam specs valid; every exam,
dated value, band, rule and specialty has a source; dated values ordered without gaps and pass
marks on their scale; bands cover the scale without overlaps; rules sound (known fact types and
fields) and compiling into the engine with the framework's; for sample profiles the kit builds
from each ExamSpec plus any you give, eligibility deterministic for a fixed day, verdicts valid
against the Verdict contract, and every eligibility state reached decided; and every example
the plugin ships (`retake_register_examples`) parses, names its own exam and gives a verdict.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata
from typing import Any, Iterator, Mapping, Sequence

import pluggy

import core.pipeline as _pipeline_module
from core import hookspecs
from core.specialty_index import Specialty
from core.errors import PluginError
from core.exams import ExamSpec
from core.pipeline import Pipeline
from core.ownership import Contribution
from core.overrides import check_overrides
from core.plugin_examples import Example, check_examples, example_problems, verdict_problems
from core.plugins import ENTRY_POINT_GROUP, Registry, build_registry
from core.rules import Rule
from core.testing.checks import check_bands, check_dated_values, check_exam_specs, check_sources, check_specialties
from core.testing.rule_checks import blocked_by_codes, check_rules, check_rules_compile, core_fact_fields
from core.testing.samples import Sample, check_verdict, run_samples, sample_profiles

DEFAULT_AS_OF = date(2026, 6, 1)  # a fixed day: contract results never depend on the clock


@dataclass
class ContractReport:
    """What the kit found for one plugin. `problems` empty means the plugin passes."""

    name: str
    exams: list[ExamSpec] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    specialties: list[Specialty] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    states: dict[tuple[str, bool, bool, str], str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        lines = [f"plugin {self.name!r}: {len(self.exams)} exam(s), {len(self.rules)} rule(s), "
                 f"{len(self.specialties)} specialty(ies), {len(self.examples)} example(s), "
                 f"{len(self.samples)} sample profile(s)"]
        for (exam, passed, can_retake, blocked), decided in sorted(self.states.items()):
            lines.append(f"  {exam}: passed={passed} can_retake={can_retake} blocked_by={blocked or '-'} -> {decided}")
        lines += [f"  note: {n}" for n in self.notes]
        lines += [f"  PROBLEM: {p}" for p in self.problems]
        return "\n".join(lines)

    def assert_ok(self) -> "ContractReport":
        if self.problems:
            raise AssertionError(f"plugin {self.name!r} breaks the plugin contract:\n" + self.summary())
        return self


def collect(plugin: object, name: str) -> tuple[list[ExamSpec], list[Rule], list[Specialty]]:
    """Call one plugin's registration hooks on their own, without core's checks at the door."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.register(plugin, name=name)
    pm.check_pending()  # a misspelt hook name is an error here, as in core
    exams: list[Any] = []
    rules: list[Any] = []
    specialties: list[Any] = []
    pm.hook.retake_register_exams(register=exams.append)
    pm.hook.retake_register_rules(register=rules.append)
    pm.hook.retake_register_specialties(register=specialties.append)
    return exams, rules, specialties


def collect_examples(plugin: object, name: str) -> list[Any]:
    """What one plugin's `retake_register_examples` registers, without core's checks at the door."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.register(plugin, name=name)
    examples: list[Any] = []
    pm.hook.retake_register_examples(register=examples.append)
    return examples


def check_plugin(
    plugin: object,
    name: str,
    *,
    profiles: Sequence[Mapping[str, Any]] = (),
    as_of: date = DEFAULT_AS_OF,
    resolution: float = 1.0,
) -> ContractReport:
    """Run every contract check on `plugin` (a module or object with `@hookimpl` functions).

    :param name: the plugin's name, as in its entry point (`amc`); rule ids start with it.
    :param profiles: profiles to run besides the generated ones (each must give a verdict).
    :param as_of: the day verdicts are for.
    :param resolution: the largest step between two score bands that is not a gap (see check_bands).
    """
    report = ContractReport(name)
    try:
        exams, rules, specialties = collect(plugin, name)
    except Exception as exc:  # noqa: BLE001 - a plugin that cannot register fails the contract
        report.problems.append(f"registering the plugin failed: {type(exc).__name__}: {exc}")
        return report
    report.exams, report.rules, report.specialties = exams, rules, specialties
    try:
        report.examples = collect_examples(plugin, name)
    except Exception as exc:  # noqa: BLE001 - a plugin that cannot register fails the contract
        report.problems.append(f"registering the plugin's examples failed: {type(exc).__name__}: {exc}")
    report.problems += check_exam_specs(exams)
    report.problems += check_sources(exams, rules, specialties)
    report.problems += check_dated_values(exams)
    report.problems += check_bands(exams, resolution=resolution)
    report.problems += check_rules(rules, name)
    report.problems += check_specialties(specialties)
    report.problems += check_rules_compile(rules)
    found = Contribution(name, exams=exams, rules=rules, specialties=specialties, examples=report.examples)
    report.problems += check_overrides(found)
    report.problems += check_examples(found)
    own = [e.id for e in exams if isinstance(e, ExamSpec)]
    for example in report.examples:
        if isinstance(example, Example):
            report.problems += example_problems(example, own)
    if report.problems:
        return report  # the pipeline below would only repeat these in a less helpful form

    registry = Registry(strict=True)
    try:
        registry.add(plugin, name)
    except PluginError as exc:
        report.problems.append(str(exc))
        return report
    pipeline = Pipeline(registry)
    outcomes = run_samples(pipeline, name, [e for e in exams], as_of, profiles)
    report.samples, report.states = outcomes.samples, outcomes.states
    report.problems += outcomes.problems
    own = {e.id for e in exams}
    mine = [e for e in registry.examples.values() if e.plugin == name]
    if any(set(e.exams) - own for e in mine):  # an example naming other plugins' exams: judged beside them
        with registered_plugin(plugin, name, as_default=False) as beside:
            report.problems += [p for e in mine for p in verdict_problems(e, beside, as_of)]
    else:
        report.problems += [p for e in mine for p in verdict_problems(e, pipeline, as_of)]
    # Now the plugin's own fact types are known from its assessments: check rules against their fields.
    report.problems += check_rules(rules, name, fact_fields=outcomes.fact_fields)
    emitted = set(outcomes.fact_fields)
    for rule in rules:
        for kind in sorted(_plugin_types(rule, name) - emitted):
            report.notes.append(f"rule {rule.id!r} matches fact {kind!r}, which no sample assessment carried")
    reached = {blocked for (_, _, _, blocked) in outcomes.states}
    for code in sorted(blocked_by_codes(rules) - reached):
        report.notes.append(f"no sample profile reaches blocked_by={code!r}; pass profiles=[...] that do, so the "
                            "kit can check the rules for it decide")
    for sample in outcomes.samples:
        if sample.rejected:
            report.notes.append(f"generated profile {sample.profile['exam']} / {sample.name} was rejected by the "
                                f"plugin: {sample.rejected}")
    return report


def _plugin_types(rule: Rule, name: str) -> set[str]:
    from core.testing.rule_checks import _pattern_types

    return {kind for pattern in rule.when.values() for kind in _pattern_types(pattern) if kind.startswith(f"{name}.")}


def assert_plugin_contract(plugin: object, name: str, **options: Any) -> ContractReport:
    """`check_plugin`, raising AssertionError with every problem found (for use in tests)."""
    return check_plugin(plugin, name, **options).assert_ok()


def installed_plugins(env: Mapping[str, str] | None = None) -> list[tuple[str, object | None, str | None]]:
    """Every plugin found through the `retake.plugins` entry points: (name, plugin, load error)."""
    registry = build_registry(env=env, strict=False)
    found = []
    for info in registry.plugins:
        found.append((info.name, registry.pm.get_plugin(info.name), info.error))
    return found


@contextmanager
def registered_plugin(
    plugin: object,
    name: str,
    *,
    entry_points: bool = True,
    env: Mapping[str, str] | None = None,
    as_default: bool = True,
) -> Iterator[Pipeline]:
    """Register `plugin` for the length of a `with` block; yields a Pipeline over it.

    The pipeline holds the installed plugins (unless `entry_points=False`) plus this one; an
    installed plugin of the same name is left out, so a plugin's own tests can register it in
    code even when it is also installed. While the block runs the pipeline is also core's default
    (`core.evaluate` and the CLI use it) unless `as_default=False`. A plugin that fails to register
    raises `PluginError` (strict, as `RETAKE_STRICT_PLUGINS=1`).
    """
    environ = dict(os.environ if env is None else env)
    if entry_points:
        names = {ep.name for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}
        wanted = environ.get("RETAKE_PLUGINS")
        chosen = names if wanted is None else {n.strip() for n in wanted.split(",") if n.strip()}
        environ["RETAKE_PLUGINS"] = ",".join(sorted(chosen - {name}))
    registry = build_registry(entry_points=entry_points, env=environ, strict=False)
    registry.strict = True
    registry.add(plugin, name)
    pipeline = Pipeline(registry)
    previous = _pipeline_module._default_pipeline
    if as_default:
        _pipeline_module._default_pipeline = lambda: pipeline  # type: ignore[assignment]
    try:
        yield pipeline
    finally:
        if as_default:
            _pipeline_module._default_pipeline = previous  # type: ignore[assignment]
        if registry.pm.is_registered(plugin):
            registry.pm.unregister(plugin)


__all__ = [
    "DEFAULT_AS_OF", "ContractReport", "Sample", "assert_plugin_contract", "check_bands", "check_dated_values",
    "check_exam_specs", "check_plugin", "check_rules", "check_rules_compile", "check_sources", "check_specialties",
    "check_verdict", "collect", "collect_examples", "core_fact_fields", "installed_plugins", "registered_plugin", "sample_profiles",
]
