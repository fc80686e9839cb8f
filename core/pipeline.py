"""The verdict pipeline: validate -> plugin assessment -> durable_rules -> Verdict.

Both front ends call only `Pipeline.evaluate` (or the module-level `evaluate`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import string
import _string
import threading
from collections.abc import Mapping as _AbcMapping  # isinstance against typing.Mapping is slower
from datetime import date
from typing import Any, Mapping, Sequence

from core.dated import Source
from core.engine import Engine, Firing
from core.errors import EngineError, FieldError, ProfileError
from core.exams import Assessment, Band, ExamSpec
from core.facts import build_facts
from core.framework import FRAMEWORK_RULES
from core.judging import check_dates, check_scores_on_scale
from core.model import Profile, parse_profile
from core.plugins import Registry, build_registry
from core.rules import Rule
from core.verdict import QUESTIONS, BandOut, DeadlineOut, EligibilityOut, Item, PathStep, Reason, Verdict

# When rules conclude different decisions, the policy ones win (a rule-base bug is still raised
# by the contract tests; this order only keeps a verdict safe).
DECISION_PRECEDENCE = ("not_allowed", "retake_required", "do_not_retake", "retake")


class _FactView:
    """Lets a reason text say `{case.score:g}`; a missing field renders as '?'."""

    def __init__(self, data: Mapping[str, Any]):
        self._data = data

    def __getattr__(self, name: str) -> Any:
        value = self._data.get(name, "?")
        return _FactView(value) if isinstance(value, _AbcMapping) else value

    def __format__(self, spec: str) -> str:
        return "?"


class _Formatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        try:
            return super().format_field(value, format_spec)
        except (TypeError, ValueError):
            return str(value)


_FORMATTER = _Formatter()


def render(text: str, views: Mapping[str, _FactView]) -> str:
    template = _compiled(text)
    if template is None:
        return _render_slowly(text, views)
    if template is _RAW:
        return text
    try:
        out = []
        for literal, first, rest, conversion, spec in template:
            out.append(literal)
            if first is None:
                continue
            value = views[first]
            for is_attr, key in rest:
                value = getattr(value, key) if is_attr else value[key]
            if conversion is not None:
                value = _CONVERSIONS[conversion](value)
            out.append(_FORMATTER.format_field(value, spec))
        return "".join(out)
    except (KeyError, AttributeError, IndexError, ValueError):
        return text


def _render_slowly(text: str, views: Mapping[str, _FactView]) -> str:
    try:
        return _FORMATTER.vformat(text, (), views)
    except (KeyError, AttributeError, IndexError, ValueError):
        return text


# Reason texts are rule data, so each is parsed once (string.Formatter re-parses on every call).
# A compiled template gives what `_render_slowly` gives: the same field lookups, conversions and
# formatting, and the raw text whenever that would fail.
_RAW: list = []
_CONVERSIONS = {"s": str, "r": repr, "a": ascii}


@functools.lru_cache(maxsize=4096)
def _compiled(text: str) -> list | None:
    """[(literal, first name, [(is_attr, key)], conversion, spec)], _RAW when rendering always
    fails (so the raw text is shown), None when only string.Formatter itself can say."""
    pieces = []
    always_fails = False
    try:
        for literal, field_name, spec, conversion in _FORMATTER.parse(text):
            if field_name is None:
                pieces.append((literal, None, (), None, ""))
                continue
            if spec and ("{" in spec or "}" in spec):
                return None  # a nested replacement field in the spec
            first, rest = _string.formatter_field_name_split(field_name)
            rest = tuple(rest)
            if any(not is_attr for is_attr, _ in rest):
                return None  # an index lookup: its errors are string.Formatter's to raise
            if not isinstance(first, str) or first == "" or (conversion is not None and conversion not in _CONVERSIONS):
                always_fails = True  # a positional field (there are no positional values) or a bad conversion
            pieces.append((literal, first, rest, conversion, spec or ""))
    except ValueError:
        return _RAW  # unbalanced braces: vformat raises ValueError, render shows the text
    return _RAW if always_fails else pieces


def _views(facts: Sequence[Mapping[str, Any]]) -> dict[str, _FactView]:
    views: dict[str, _FactView] = {}
    for one in facts:
        key = str(one.get("t", "")).replace(".", "_").replace("-", "_")
        views.setdefault(key, _FactView(one))
    return views


def _band_out(band: Band | None) -> BandOut | None:
    if band is None:
        return None
    return BandOut(id=band.id, label=band.label, low=band.low, high=band.high, basis=band.basis,
                   heuristic=band.heuristic, note=band.note)


def _effective_note(rule: Rule) -> str:
    if rule.effective_note:
        return rule.effective_note
    if rule.id.startswith("framework."):
        return "framework judgement (not a policy)"
    return "" if rule.effective else "no effective date recorded"


def _source_url(source: Source) -> str:
    return source.url or source.title


class Pipeline:
    """One loaded plugin set compiled into one durable_rules rule base."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self.rules: tuple[Rule, ...] = tuple(FRAMEWORK_RULES) + tuple(registry.rules)
        self.engine = Engine(self.rules)
        self.rules_version = self._version()
        self._reason_fields: dict[str, dict[str, Any]] = {}  # rule id -> the Reason fields fixed by the rule

    def _version(self) -> str:
        payload = {
            "rules": [
                [r.id, r.title, r.text, str(r.source), str(r.effective), str(r.until), r.confidence]
                for r in self.rules
            ],
            "engine": self.engine.name,
            "plugins": self.registry.plugin_versions(),
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:12]

    # --- the one entry point ------------------------------------------------------------------

    def evaluate(self, profile: Profile | Mapping[str, Any], as_of: date) -> Verdict:
        """The verdict for `profile` on `as_of`. Raises ProfileError for bad input."""
        if not isinstance(profile, Profile):
            profile = parse_profile(profile)
        exam = self.registry.exam(profile.exam)
        specialty = self.registry.specialty(profile.target.specialty, profile.target.country)
        self._check(exam, profile, as_of)
        assessment = self.registry.assess(exam, profile, as_of)
        facts = build_facts(profile, assessment, specialty, as_of)
        firings = self.engine.run(facts)
        return self._verdict(profile, assessment, facts, firings, as_of)

    def _check(self, exam: ExamSpec, profile: Profile, as_of: date) -> None:
        errors: list[FieldError] = []
        errors += check_dates(profile, as_of)
        errors += check_scores_on_scale(exam, profile)
        if exam.discontinued is not None and profile.attempts[-1].date >= exam.discontinued:
            errors.append(FieldError(
                "attempts", f"{exam.name} has not been delivered since {exam.discontinued.isoformat()}",
                given=profile.attempts[-1].date.isoformat(),
                allowed=f"sittings before {exam.discontinued.isoformat()}",
            ))
        predicted = profile.plan.predicted_score
        scale = exam.scale_on(as_of)
        if predicted is not None:
            if scale is None:
                errors.append(FieldError("plan.predicted_score", f"{exam.name} has no numeric score to predict",
                                         given=predicted, allowed="leave it out"))
            elif not scale.contains(predicted):
                errors.append(FieldError("plan.predicted_score", f"is off the {exam.name} scale in force now",
                                         given=predicted, allowed=f"{scale.low:g} to {scale.high:g}"))
        if errors:
            raise ProfileError(errors)

    # --- assembling the verdict ---------------------------------------------------------------

    def _verdict(self, profile: Profile, assessment: Assessment, facts: list[dict[str, Any]],
                 firings: list[Firing], as_of: date) -> Verdict:
        views = _views(facts)
        answers: dict[str, tuple[bool, list[str]]] = {}
        outcomes: list[str] = []
        decisions: list[str] = []
        red_flags: dict[str, Item] = {}
        actions: dict[str, Item] = {}
        notes: list[str] = []
        reasons: list[Reason] = []

        for firing in firings:
            rule = firing.rule
            fixed = self._reason_fields.get(rule.id)
            if fixed is None or fixed["_rule"] is not rule:
                fixed = self._reason_fields[rule.id] = {
                    "_rule": rule, "rule": rule.id, "title": rule.title, "source": _source_url(rule.source),
                    "source_title": rule.source.title, "effective": rule.effective,
                    "effective_note": _effective_note(rule), "confidence": rule.confidence,
                }
            reasons.append(Reason(
                rule=fixed["rule"], title=fixed["title"], text=render(rule.text, views),
                source=fixed["source"], source_title=fixed["source_title"], effective=fixed["effective"],
                effective_note=fixed["effective_note"], confidence=fixed["confidence"],
            ))
            for conclusion in rule.then:
                kind = conclusion["t"]
                if kind == "answer":
                    value, rules = answers.get(conclusion["question"], (conclusion["value"], []))
                    if value != conclusion["value"]:
                        raise EngineError(f"rules disagree on {conclusion['question']}: see {rules + [rule.id]}")
                    answers[conclusion["question"]] = (value, rules + [rule.id])
                elif kind == "outcome":
                    outcomes.append(conclusion["value"])
                elif kind == "decision":
                    decisions.append(conclusion["value"])
                elif kind == "red_flag":
                    red_flags.setdefault(conclusion["key"], Item(id=conclusion["key"], text=render(conclusion["text"], views)))
                elif kind == "action":
                    actions.setdefault(conclusion["key"], Item(id=conclusion["key"], text=render(conclusion["text"], views)))
                elif kind == "note":
                    notes.append(render(conclusion["text"], views))

        if not decisions:
            raise EngineError(
                f"no rule decided {assessment.exam.id} (eligibility: passed={assessment.eligibility.passed}, "
                f"can_retake={assessment.eligibility.can_retake}, blocked_by={assessment.eligibility.blocked_by!r}); "
                f"plugin {assessment.exam.plugin!r} must ship a rule for this state"
            )
        decided = min(decisions, key=DECISION_PRECEDENCE.index)
        if len(set(outcomes)) > 1:
            raise EngineError(f"rules reached more than one flowchart end: {sorted(set(outcomes))}")

        path = [PathStep(question=q, answer=answers[q][0], rules=answers[q][1]) for q in QUESTIONS if q in answers]
        eligibility = assessment.eligibility
        deadlines = sorted(eligibility.deadlines, key=lambda d: d.date)
        upcoming = [d for d in deadlines if d.date >= as_of]
        return Verdict(
            exam=assessment.exam.id,
            as_of=as_of,
            decision=decided,
            outcome=outcomes[0] if outcomes and eligibility.passed else None,
            path=path,
            eligibility=EligibilityOut(
                can_retake=eligibility.can_retake,
                earliest_date=eligibility.earliest_date if eligibility.can_retake else None,
                deadline=upcoming[0].date if upcoming else None,
                attempts_used=eligibility.attempts_used,
                attempts_left=eligibility.attempts_left,
                passed=eligibility.passed,
                deadlines=[
                    DeadlineOut(id=d.id, date=d.date, text=d.text, days_left=(d.date - as_of).days,
                                source=_source_url(d.source), confidence=d.confidence)
                    for d in deadlines
                ],
                notes=list(eligibility.notes),
            ),
            band=_band_out(assessment.band),
            predicted_band=_band_out(assessment.predicted_band) if profile.plan.predicted_score is not None else None,
            score=assessment.score,
            red_flags=list(red_flags.values()),
            reasons=reasons,
            actions=list(actions.values()),
            rules_version=self.rules_version,
            notes=list(assessment.notes) + notes,
        )


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
