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

from core.dated_values import Source
from core.engine import Firing
from core.errors import EngineError
from core.exams import STALE_POLICY_RULE, Assessment, Band
from core.profile import Profile
from core.rendering import fact_views, render
from core.rules import Rule
from core.facts import unknown_application_fields
from core.framework import REASON_TONES
from core.verdict import (
    BandOut, DeadlineOut, EligibilityOut, Item, PartOut, PassMarkOut, PathStep, Reason, TargetOut, Unknown,
    Verdict,
)
from core.vocabulary import DECISION_PRECEDENCE, DECISION_TEXT, QUESTIONS, plural

# What each application field is, for "could not judge X: add application.Y".
APPLICATION_WORDS = {
    "clinical_experience_months": "clinical experience in the target country",
    "letters": "the strength of your letters",
    "research": "research",
    "specialty_commitment": "commitment to the specialty",
    "personal_statement": "the personal statement",
    "interview": "interview skills",
}
RESULT_WORDS = {"fail": "a fail", "incomplete": "incomplete", "no_standing": "without standing",
                "denied_standing": "denied standing"}
# A reason starting with one of these words reads on after "Decision: " in lower case.
_LOWER_FIRST = ("You", "Your", "A", "An", "The", "Every", "No", "Even", "Practice", "Programs'", "Four")


def band_out(band: Band | None) -> BandOut | None:
    if band is None:
        return None
    return BandOut(id=band.id, label=band.label, low=band.low, high=band.high, fits_up_to=band.fits_up_to,
                   basis=band.basis, heuristic=band.heuristic, note=band.note)


def reason_tone(rule: Rule) -> str:
    """A reason's tone: named for the rule, else that of what it concludes."""
    named = REASON_TONES.get(rule.id)
    if named:
        return named
    if rule.id.endswith("." + STALE_POLICY_RULE):  # the policy may have changed: a warning
        return "warning"
    tones = {c.get("tone") for c in rule.then if c.get("t") == "red_flag"}
    if "warning" in tones or any(c.get("t") == "decision" and c.get("value") == "not_allowed" for c in rule.then):
        return "warning"
    if "reassurance" in tones or any(c.get("t") == "answer" and c.get("question") == "blocks_target"
                                     and c.get("value") is False for c in rule.then):
        return "reassurance"
    return "neutral"


def first_sentence(text: str) -> str:
    """Up to the first full stop that ends a sentence (not one inside a number or an abbreviation)."""
    for index, char in enumerate(text):
        if char == "." and (index + 1 == len(text) or text[index + 1] == " "):
            return text[: index + 1]
    return text


def _after_colon(sentence: str) -> str:
    first, _, rest = sentence.partition(" ")
    return (first.lower() + " " + rest) if first in _LOWER_FIRST else sentence


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
                "tone": reason_tone(rule),
                # A plugin's red flag is a policy danger (a transcript, a last attempt) unless it says
                # otherwise; the framework's are the seed's reasons not to retake.
                "flag_tone": "neutral" if rule.id.startswith("framework.") else "warning",
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
        headlines: list[tuple[str, str]] = []   # (rule id, text) from rules that state the deciding fact
        decided_by: dict[str, int] = {}         # decision -> index of the first reason concluding it

        for firing in firings:
            rule = firing.rule
            fixed = self._fixed(rule)
            reasons.append(Reason(
                rule=fixed["rule"], title=fixed["title"], text=render(rule.text, views),
                source=fixed["source"], source_title=fixed["source_title"], effective=fixed["effective"],
                effective_note=fixed["effective_note"], confidence=fixed["confidence"], tone=fixed["tone"],
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
                    decided_by.setdefault(conclusion["value"], len(reasons) - 1)
                elif kind == "red_flag":
                    if conclusion["key"] not in red_flags:
                        red_flags[conclusion["key"]] = Item(id=conclusion["key"], text=render(conclusion["text"], views),
                                                            tone=conclusion.get("tone") or fixed["flag_tone"])
                elif kind == "action":
                    if conclusion["key"] not in actions:
                        actions[conclusion["key"]] = Item(id=conclusion["key"], text=render(conclusion["text"], views),
                                                          tone=conclusion.get("tone", "neutral"))
                elif kind == "note":
                    notes.append(render(conclusion["text"], views))
                elif kind == "headline":
                    headlines.append((rule.id, render(conclusion["text"], views)))

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
        target = next((f for f in facts if f.get("t") == "target"), None)
        deciding_rule, headline = self._headline(decided, assessment, reasons, decided_by, headlines, answers, path)
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
            # No predicted band for a retake that cannot happen (rule framework.prediction-not-used says so).
            predicted_band=band_out(assessment.predicted_band)
            if profile.plan.predicted_score is not None and eligibility.can_retake else None,
            score=assessment.score,
            red_flags=list(red_flags.values()),
            reasons=reasons,
            actions=list(actions.values()),
            rules_version=self.rules_version,
            notes=list(assessment.notes) + notes,
            headline=headline,
            deciding_rule=deciding_rule,
            pass_mark=_pass_mark(assessment),
            target=None if target is None else TargetOut(
                country=target["country"], specialty=target["specialty"], specialty_name=target["specialty_name"],
                setting=target["setting"], index=target["competitiveness"], demand=target["demand"],
                tier=target["tier"]),
            unknowns=_unknowns(profile, answers),
            parts=[PartOut(name=p.name, value=p.value, minimum=p.minimum, met=p.met, shown=p.shown or f"{p.value:g}",
                           shown_minimum=p.shown_minimum or f"{p.minimum:g}", scale=list(p.scale))
                   for p in assessment.parts],
            failing_parts=[p.name for p in assessment.parts if p.met is False],
        )

    @staticmethod
    def _headline(decided: str, assessment: Assessment, reasons: list[Reason], decided_by: dict[str, int],
                  headlines: list[tuple[str, str]], answers: dict[str, tuple[bool, list[str]]],
                  path: list[PathStep]) -> tuple[str | None, str]:
        """(the deciding rule, one plain sentence naming the deciding fact)."""
        if headlines:  # a rule that knows the deciding fact best says it (e.g. the failing skill)
            return headlines[0]
        if decided == "retake_required":
            return None, _not_passed_headline(assessment)
        if decided == "not_allowed":
            reason = reasons[decided_by[decided]]
            return reason.rule, f"{DECISION_TEXT[decided]}: {_after_colon(first_sentence(reason.text))}"
        if path:  # the question where the path stopped decides
            rule_id = path[-1].rules[0]
            reason = next(r for r in reasons if r.rule == rule_id)
            return rule_id, f"{DECISION_TEXT[decided]}: {_after_colon(first_sentence(reason.text))}"
        return None, DECISION_TEXT[decided] + "."


def _not_passed_headline(assessment: Assessment) -> str:
    exam = assessment.exam.name
    left = assessment.eligibility.attempts_left
    tries = "no attempt limit" if left is None else plural(left, "attempt") + " left"
    latest = assessment.attempts[-1] if assessment.attempts else None
    if latest is not None and latest.passed:  # a pass that no longer counts (a lapsed validity, a time limit)
        return f"Your {exam} pass of {latest.date.isoformat()} no longer counts: the next step is a pass ({tries})."
    if latest is not None and latest.score is not None and latest.pass_mark is not None:
        return (f"Your latest {exam} score of {latest.score:g} is below the pass mark of "
                f"{latest.pass_mark.value:g}: the next step is a pass ({tries}).")
    if latest is not None:
        result = RESULT_WORDS.get(latest.result, latest.result)
        return f"Your latest {exam} sitting ({latest.date.isoformat()}) was {result}: the next step is a pass ({tries})."
    return f"{exam} is not passed yet: the next step is a pass ({tries})."


def _pass_mark(assessment: Assessment) -> PassMarkOut | None:
    scored = [a for a in assessment.attempts if a.score is not None and a.pass_mark is not None]
    if not scored:
        return None
    mark = scored[-1].pass_mark
    return PassMarkOut(value=mark.value, effective=mark.effective, source=source_url(mark.source))


def _unknowns(profile: Profile, answers: dict[str, tuple[bool, list[str]]]) -> list[Unknown]:
    found = [Unknown(field=f"application.{name}",
                     text=f"Not known, so not judged: {APPLICATION_WORDS[name]}. Add application.{name} to have it checked.")
             for name in unknown_application_fields(profile) if name in APPLICATION_WORDS]
    plan = profile.plan
    if "big_improvement_realistic" in answers and plan.predicted_score is None:
        found.append(Unknown(field="plan.predicted_score",
                             text="No predicted retake score: whether a big gain is realistic could not be judged. "
                                  "Add plan.predicted_score (from recent practice exams) to have it checked."))
    if "early_enough" in answers and plan.months_to_application is None:
        found.append(Unknown(field="plan.months_to_application",
                             text="No application timeline: whether a retake lands in time was assumed, not judged. "
                                  "Add plan.months_to_application to have it checked."))
    if "programs_accept_retakes" in answers and profile.programs_accept_retakes == "unknown":
        found.append(Unknown(field="programs_accept_retakes",
                             text="Programs' stance on retakes is not known: it was assumed from how the exam is "
                                  "reported. Set programs_accept_retakes to yes or no once you have asked them."))
    return found
