"""Assembling the Verdict from what the rules concluded: the last step of the pipeline.

Reads the fired rules in order (each rule's conclusions: answers, the flowchart end, decisions,
red flags, actions, notes), renders their texts over the case's facts and builds the Verdict.
No judgement happens here; a disagreement between rules is raised, not resolved.

This runs once per verdict, so whatever a rule fixes (its id, title, source, dates) is computed
once per rule and reused.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core.dated import Source
from core.engine import Firing
from core.errors import EngineError
from core.exams import Assessment, Band
from core.model import Profile
from core.rendering import fact_views, render
from core.rules import Rule
from core.verdict import BandOut, DeadlineOut, EligibilityOut, Item, PathStep, Reason, Verdict
from core.vocabulary import DECISION_PRECEDENCE, QUESTIONS


def band_out(band: Band | None) -> BandOut | None:
    if band is None:
        return None
    return BandOut(id=band.id, label=band.label, low=band.low, high=band.high, basis=band.basis,
                   heuristic=band.heuristic, note=band.note)


def effective_note(rule: Rule) -> str:
    if rule.effective_note:
        return rule.effective_note
    if rule.id.startswith("framework."):
        return "framework judgement (not a policy)"
    return "" if rule.effective else "no effective date recorded"


def source_url(source: Source) -> str:
    return source.url or source.title


class VerdictAssembler:
    """Builds Verdicts for one rule base (its rules version is stamped on each)."""

    def __init__(self, rules_version: str):
        self.rules_version = rules_version
        self._reason_fields: dict[str, dict[str, Any]] = {}  # rule id -> the Reason fields fixed by the rule

    def _fixed(self, rule: Rule) -> dict[str, Any]:
        fixed = self._reason_fields.get(rule.id)
        if fixed is None or fixed["_rule"] is not rule:
            fixed = self._reason_fields[rule.id] = {
                "_rule": rule, "rule": rule.id, "title": rule.title, "source": source_url(rule.source),
                "source_title": rule.source.title, "effective": rule.effective,
                "effective_note": effective_note(rule), "confidence": rule.confidence,
            }
        return fixed

    def assemble(self, profile: Profile, assessment: Assessment, facts: list[dict[str, Any]],
                 firings: list[Firing], as_of: date) -> Verdict:
        views = fact_views(facts)
        answers: dict[str, tuple[bool, list[str]]] = {}
        outcomes: list[str] = []
        decisions: list[str] = []
        red_flags: dict[str, Item] = {}
        actions: dict[str, Item] = {}
        notes: list[str] = []
        reasons: list[Reason] = []

        for firing in firings:
            rule = firing.rule
            fixed = self._fixed(rule)
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
                                source=source_url(d.source), confidence=d.confidence)
                    for d in deadlines
                ],
                notes=list(eligibility.notes),
            ),
            band=band_out(assessment.band),
            predicted_band=band_out(assessment.predicted_band) if profile.plan.predicted_score is not None else None,
            score=assessment.score,
            red_flags=list(red_flags.values()),
            reasons=reasons,
            actions=list(actions.values()),
            rules_version=self.rules_version,
            notes=list(assessment.notes) + notes,
        )
