"""Sample profiles for an exam, and the checks that run them through the whole pipeline.

The kit builds a handful of profiles from the ExamSpec alone (a first-attempt pass, a pass with a
strong predicted retake, one fail, a fail then a pass, fails up to the attempt limit), so every
eligibility state a plugin usually reaches is exercised without the author writing a profile.
Authors add their own with `profiles=` for states the kit cannot guess.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Mapping, Sequence

from core.errors import EngineError, PluginError, ProfileError
from core.exams import Assessment, ExamSpec
from core.profile import parse_profile
from core.verdict import Verdict
from core.vocabulary import FLOWCHART_DECISIONS

GAP = timedelta(days=400)  # between generated sittings: clear of any 12-month window rule
LAST_SITTING_BEFORE = timedelta(days=45)


@dataclass
class Sample:
    """One profile and what became of it."""

    name: str
    profile: dict[str, Any]
    generated: bool = True
    verdict: Verdict | None = None
    rejected: str | None = None  # the plugin's ProfileError, for generated profiles only
    blocked_by: str = ""

    @property
    def state(self) -> tuple[bool, bool, str] | None:
        """(passed, can_retake, blocked_by) reached by this profile, None when it gave no verdict."""
        if self.verdict is None:
            return None
        return (self.verdict.eligibility.passed, self.verdict.eligibility.can_retake, self.blocked_by)


def _score(exam: ExamSpec, day: date, passed: bool) -> dict[str, Any]:
    """One attempt on `day` that passes or fails, as a profile would give it."""
    scale = exam.scale_on(day)
    result = "pass" if passed else "fail"
    if scale is None:
        return {"date": day.isoformat(), "result": result}
    step = max(1.0, 0.05 * (scale.high - scale.low))
    if exam.pass_mark_per_sitting:
        mark = float(round((scale.low + scale.high) / 2))
        attempt: dict[str, Any] = {"date": day.isoformat(), "pass_mark": mark}
    elif exam.pass_mark is None or not exam.pass_mark.in_force(day):
        return {"date": day.isoformat(), "result": result}  # no single pass mark (e.g. per-part minimums)
    else:
        mark = exam.pass_mark.value_at(day)
        attempt = {"date": day.isoformat()}
    score = math.ceil(mark + step) if passed else math.floor(mark - step)
    score = min(max(score, math.ceil(scale.low)), math.floor(scale.high))
    if (score >= mark) != passed:  # the scale is too narrow to place a clear pass or fail
        return {"date": day.isoformat(), "result": result}
    attempt["score"] = score
    return attempt


def _days(last: date, count: int) -> list[date]:
    return [last - GAP * (count - 1 - i) for i in range(count)]


def sample_profiles(exam: ExamSpec, as_of: date, specialty: str, country: str | None = None) -> list[Sample]:
    """Profiles for `exam` that reach its usual eligibility states on `as_of`."""
    end = min(as_of, exam.discontinued) if exam.discontinued else as_of
    last = end - LAST_SITTING_BEFORE
    target = {"country": country or exam.country, "specialty": specialty}

    def profile(results: Sequence[bool], **extra: Any) -> dict[str, Any]:
        days = _days(last, len(results))
        return {"exam": exam.id, "attempts": [_score(exam, d, r) for d, r in zip(days, results)],
                "target": dict(target), **extra}

    samples = [
        Sample("first-attempt-pass", profile([True])),
        Sample("one-fail", profile([False])),
        Sample("fail-then-pass", profile([False, True])),
    ]
    strong = profile([True], programs_accept_retakes="yes")
    scale = exam.scale_on(as_of)
    latest = strong["attempts"][-1]
    if scale is not None and "score" in latest:
        gain = exam.big_gain if exam.big_gain is not None else 0.1 * (scale.high - scale.low)
        strong["plan"] = {"predicted_score": min(scale.high, math.ceil(latest["score"] + gain)),
                          "evidence": "practice-exams", "months_to_application": 18, "prep_months": 3}
    else:
        strong["plan"] = {"evidence": "practice-exams", "months_to_application": 18, "prep_months": 3}
    samples.append(Sample("pass-with-strong-prediction", strong))
    limit = exam.attempt_limit.value_at(as_of) if exam.attempt_limit is not None and exam.attempt_limit.in_force(as_of) else None
    fails = limit if limit is not None and limit <= 10 else 4
    samples.append(Sample(f"{fails}-fails" if limit is None else "attempts-exhausted", profile([False] * fails)))
    return samples


# --- running samples through the pipeline -------------------------------------------------------

@dataclass
class Outcomes:
    samples: list[Sample] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    states: dict[tuple[str, bool, bool, str], str] = field(default_factory=dict)  # (exam, passed, can, blocked) -> decision
    fact_fields: dict[str, set[str]] = field(default_factory=dict)  # plugin fact type -> fields seen


def _json_safe_fact(fact: Mapping[str, Any]) -> str | None:
    if not isinstance(fact.get("t"), str):
        return "has no 't' (its type)"
    for key, value in fact.items():
        if value is None:
            return f"field {key!r} is None (durable_rules compares plain values: use a has_… flag)"
    try:
        json.dumps(dict(fact))
    except (TypeError, ValueError) as exc:
        return f"is not plain JSON ({exc})"
    return None


def check_assessment(assessment: Any, exam: ExamSpec, plugin_name: str, as_of: date, where: str) -> list[str]:
    """What a plugin's Assessment must look like for core to turn it into facts."""
    problems: list[str] = []
    if not isinstance(assessment, Assessment):
        return [f"{where}: retake_assess returned {type(assessment).__name__}, not an Assessment"]
    eligibility = assessment.eligibility
    if assessment.exam.id != exam.id:
        problems.append(f"{where}: the Assessment is for {assessment.exam.id!r}, not {exam.id!r}")
    if eligibility.can_retake and eligibility.blocked_by:
        problems.append(f"{where}: can_retake is True but blocked_by is {eligibility.blocked_by!r}")
    if not eligibility.can_retake and not eligibility.blocked_by:
        problems.append(f"{where}: can_retake is False, so blocked_by must name why (e.g. 'attempts-exhausted') "
                        "for a rule to decide not_allowed")
    if eligibility.attempts_left is not None and eligibility.attempts_left < 0:
        problems.append(f"{where}: attempts_left is negative")
    if eligibility.can_retake and eligibility.earliest_date is not None and assessment.attempts:
        if eligibility.earliest_date <= assessment.attempts[-1].date:
            problems.append(f"{where}: earliest_date {eligibility.earliest_date} is not after the latest sitting")
    for deadline in eligibility.deadlines:
        if not deadline.source.title.strip():
            problems.append(f"{where}: deadline {deadline.id!r} has no source")
    for fact in assessment.facts:
        problem = _json_safe_fact(fact)
        if problem:
            problems.append(f"{where}: plugin fact {fact.get('t')!r} {problem}")
        elif not str(fact["t"]).startswith(f"{plugin_name}."):
            problems.append(f"{where}: plugin fact type {fact['t']!r} must start with '{plugin_name}.'")
    return problems


def check_verdict(verdict: Verdict, rule_ids: set[str], where: str) -> list[str]:
    """The verdict validates against the contract and agrees with its own eligibility."""
    problems: list[str] = []
    try:
        again = Verdict.model_validate_json(verdict.model_dump_json())
    except Exception as exc:  # noqa: BLE001 - any validation failure is a contract breach
        return [f"{where}: the verdict does not validate against the Verdict contract: {exc}"]
    if again != verdict:
        problems.append(f"{where}: the verdict changes when read back from its JSON")
    eligibility = verdict.eligibility
    if not eligibility.can_retake and verdict.decision != "not_allowed":
        problems.append(f"{where}: no retake is possible but the decision is {verdict.decision!r}, not 'not_allowed'")
    if eligibility.can_retake and not eligibility.passed and verdict.decision != "retake_required":
        problems.append(f"{where}: not passed and a retake is possible, but the decision is {verdict.decision!r}")
    if eligibility.can_retake and eligibility.passed and verdict.decision not in FLOWCHART_DECISIONS:
        problems.append(f"{where}: passed with a retake allowed, but the decision is {verdict.decision!r}")
    if eligibility.passed and verdict.outcome is None:
        problems.append(f"{where}: the exam is passed but no flowchart outcome was reached")
    for reason in verdict.reasons:
        if reason.rule not in rule_ids:
            problems.append(f"{where}: reason cites unknown rule {reason.rule!r}")
        if not reason.source.strip():
            problems.append(f"{where}: reason {reason.rule!r} has no source")
    return problems


def _hint(assessed: list[Any], plugin_name: str) -> str:
    """How to fix an undecided blocked state, in code the author can paste."""
    if not assessed or not isinstance(assessed[0], Assessment):
        return ""
    eligibility = assessed[0].eligibility
    if eligibility.can_retake or not eligibility.blocked_by:
        return ""
    return (f". Fix: register Rule(id='{plugin_name}.{eligibility.blocked_by}', ..., when={{'eligibility': "
            f"fact('eligibility', plugin='{plugin_name}', blocked_by='{eligibility.blocked_by}')}}, "
            f"then=[decision('not_allowed')], text=<the authority's reason>, source=<its page>)")


def run_samples(pipeline: Any, plugin_name: str, exams: Sequence[ExamSpec], as_of: date,
                profiles: Sequence[Mapping[str, Any]] = ()) -> Outcomes:
    """Generated and given profiles through the pipeline: determinism, assessments, verdicts."""
    out = Outcomes()
    rule_ids = {r.id for r in pipeline.rules}
    by_exam: dict[str, list[Sample]] = {e.id: [] for e in exams}
    for exam in exams:
        country = exam.country
        specialties = pipeline.registry.specialties(country)
        specialty = "internal-medicine" if "internal-medicine" in specialties else sorted(specialties)[0]
        by_exam[exam.id] += sample_profiles(exam, as_of, specialty, country)
    for index, given in enumerate(profiles):
        exam_id = str(given.get("exam", "")).lower()
        by_exam.setdefault(exam_id, []).append(Sample(f"profiles[{index}]", dict(given), generated=False))

    for exam_id, samples in by_exam.items():
        for sample in samples:
            where = f"{exam_id} / {sample.name}"
            assessed: list[Any] = []
            try:
                exam = pipeline.registry.exam(exam_id)
                profile = parse_profile(sample.profile)
                assessed = [pipeline.registry.assess(exam, profile, as_of) for _ in range(2)]
                # The plugin's answer is checked before the verdict: a bad Assessment explains a failed verdict.
                out.problems += check_assessment(assessed[0], exam, plugin_name, as_of, where)
                for one in assessed[0].facts:
                    if isinstance(one, Mapping) and isinstance(one.get("t"), str):
                        out.fact_fields.setdefault(one["t"], set()).update(one)
                if assessed[0] != assessed[1]:
                    out.problems.append(f"{where}: retake_assess gave two different answers for the same profile "
                                        f"and day (is it reading the clock or shared state?)")
                first = pipeline.evaluate(sample.profile, as_of)
                second = pipeline.evaluate(parse_profile(json.loads(json.dumps(sample.profile, default=str))), as_of)
            except ProfileError as exc:
                if sample.generated:
                    sample.rejected = str(exc)
                else:
                    out.problems.append(f"{where}: the profile was rejected: {exc}")
                out.samples.append(sample)
                continue
            except (EngineError, PluginError) as exc:
                out.problems.append(f"{where}: {exc}{_hint(assessed, plugin_name)}")
                out.samples.append(sample)
                continue
            sample.verdict = first
            sample.blocked_by = assessed[0].eligibility.blocked_by or ""
            out.samples.append(sample)
            if first.model_dump() != second.model_dump():
                out.problems.append(f"{where}: two verdicts for the same profile and day differ")
            out.problems += check_verdict(first, rule_ids, where)
            eligibility = assessed[0].eligibility
            out.states[(exam_id, eligibility.passed, eligibility.can_retake, eligibility.blocked_by or "")] = first.decision
        if samples and all(s.rejected for s in samples if s.generated) and not any(not s.generated for s in samples):
            out.problems.append(f"{exam_id}: every generated sample profile was rejected "
                                f"({samples[0].rejected}); pass profiles=[...] that your exam accepts")
    return out
