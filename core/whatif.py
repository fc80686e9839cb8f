"""What would change the verdict? The smallest changes to a profile that flip its decision or outcome.

No decision logic lives here: every candidate is a small variation of the profile (the predicted
score and its evidence, months to application, preparation months, programs' stance, setting, a
nearby less or more competitive specialty), judged by the real pipeline. A candidate counts when
its verdict's decision or flowchart end differs from the profile's own. For each kind of change
and direction only the smallest flipping step is kept, and the list is ordered by a rough "size"
of the change (see `_cost`), smallest first.

A verdict costs well under a millisecond, so plain scans are affordable: one what-if runs a few
hundred evaluations.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Iterable, Sequence

from core.specialty_index import SETTING_BUMP
from core.errors import RetakeError
from core.profile import Profile, parse_profile
from core.pipeline import Pipeline, default_pipeline
from core.verdict import Verdict
from core.vocabulary import DECISION_TEXT, OUTCOME_ORDER, OUTCOME_TEXT, RETAKE_END, SETTINGS

# How far each scan reaches from the profile's own value.
MONTHS_REACH = 24
PREP_RANGE = (1, 12)
STANCE_WORDS = {
    "yes": "your target programs accept a retaken exam",
    "no": "your target programs turn away repeat attempts",
    "unknown": "programs' stance on retakes were unknown",
}
EVIDENCE_WORDS = {"practice-exams": "practice-exam evidence", "self-estimate": "a self-estimate", "none": "no evidence"}


@dataclass
class WhatIfChange:
    """One change to the profile that flips the verdict.

    `change` says it in plain words; `fields` maps dotted profile paths (`plan.predicted_score`)
    to their new values, so a front end can apply it; `decision`/`outcome` are the new verdict's.
    """

    change: str
    fields: dict[str, Any]
    decision: str
    outcome: str | None
    cost: float = field(default=0.0, repr=False, compare=False)
    words: str = field(default="", repr=False, compare=False)  # the change without its consequence
    effect: str = "different"  # better | worse | different, by core.vocabulary.OUTCOME_ORDER

    def to_dict(self) -> dict[str, Any]:
        return {"change": self.change, "fields": dict(self.fields), "decision": self.decision, "outcome": self.outcome,
                "effect": self.effect}


def effect_of(base: Verdict, outcome: str | None) -> str:
    """Whether reaching `outcome` puts the person in a better or worse position than `base`."""
    if base.outcome is None or outcome is None or outcome == base.outcome:
        return "different"
    return "better" if OUTCOME_ORDER.index(outcome) < OUTCOME_ORDER.index(base.outcome) else "worse"


EFFECT_WORDS = {"better": " (a better position)", "worse": " (a worse position)", "different": ""}


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set a dotted path (`plan.predicted_score`) in nested dicts, creating missing levels."""
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[parts[-1]] = value


def apply_fields(profile: Profile, fields: dict[str, Any]) -> Profile:
    """A copy of `profile` with `fields` (dotted path -> value) applied and validated again."""
    data = copy.deepcopy(profile.model_dump(mode="json", exclude_unset=True))  # unset stays unknown
    for path, value in fields.items():
        set_path(data, path, value)
    return parse_profile(data)


def _fmt(value: float) -> str:
    return f"{value:g}"


def _answer(base: Verdict, new: Verdict) -> str:
    outcome = OUTCOME_TEXT.get(new.outcome or "", "")
    if new.decision != base.decision:
        text = f"the decision becomes: {DECISION_TEXT[new.decision].lower()}"
        return f"{text} ({outcome[0].lower() + outcome[1:]})" if outcome else text
    return f"the answer becomes: {outcome[0].lower() + outcome[1:]}" if outcome else "the answer changes"


class _Search:
    def __init__(self, pipeline: Pipeline, profile: Profile, as_of: date):
        self.pipeline, self.profile, self.as_of = pipeline, profile, as_of
        self.base = pipeline.evaluate(profile, as_of)
        self.exam = pipeline.registry.exam(profile.exam)
        self.found: list[WhatIfChange] = []

    def judge(self, fields: dict[str, Any]) -> Verdict | None:
        try:
            return self.pipeline.evaluate(apply_fields(self.profile, fields), self.as_of)
        except RetakeError:  # a variation the exam cannot accept (off its scale, …) is no candidate
            return None

    def flips(self, verdict: Verdict | None) -> bool:
        return verdict is not None and (verdict.decision, verdict.outcome) != (self.base.decision, self.base.outcome)

    def first_flip(self, candidates: Iterable[dict[str, Any]]) -> tuple[dict[str, Any], Verdict] | None:
        for fields in candidates:
            verdict = self.judge(fields)
            if self.flips(verdict):
                return fields, verdict  # type: ignore[return-value]
        return None

    def add(self, found: tuple[dict[str, Any], Verdict] | None, words: Callable[[dict[str, Any]], str],
            cost: Callable[[dict[str, Any]], float]) -> None:
        if found is None:
            return
        fields, verdict = found
        if not self.base.eligibility.can_retake and (verdict.decision == "retake" or verdict.outcome == RETAKE_END):
            return  # never propose a retake the policy forbids
        effect = effect_of(self.base, verdict.outcome)
        self.found.append(WhatIfChange(
            change=f"{words(fields)}, {_answer(self.base, verdict)}{EFFECT_WORDS[effect]}",
            fields=fields, decision=verdict.decision, outcome=verdict.outcome, cost=cost(fields),
            words=words(fields), effect=effect,
        ))

    # --- the kinds of change ------------------------------------------------------------------

    def predicted_score(self) -> None:
        scale = self.exam.scale_on(self.as_of)
        current = self.base.score
        if scale is None or current is None:
            return
        plan = self.profile.plan
        start = plan.predicted_score if plan.predicted_score is not None else current
        step = 1.0 if scale.high - scale.low >= 50 else 0.5
        unit = self.exam.big_gain or (scale.high - scale.low) / 15
        evidences = [plan.evidence] + (["practice-exams"] if plan.evidence != "practice-exams" else [])
        for evidence in evidences:
            for direction in (1, -1):
                # With the profile's own evidence the profile's own value is no change; with new
                # evidence it is (the evidence alone may flip the verdict).
                value = start if evidence != plan.evidence and direction == 1 else start + direction * step
                values = []
                while scale.low <= value <= scale.high:
                    values.append(round(value, 4))
                    value += direction * step
                candidates = ({"plan.predicted_score": v, "plan.evidence": evidence} for v in values)
                self.add(
                    self.first_flip(candidates),
                    words=lambda f, e=evidence: self._predicted_words(f["plan.predicted_score"], e, current),
                    cost=lambda f, e=evidence: abs(f["plan.predicted_score"] - start) / unit
                    + (0.5 if e != plan.evidence else 0),
                )

    def _predicted_words(self, predicted: float, evidence: str, current: float) -> str:
        gain = predicted - current
        if gain > 0:
            size = f"a {_fmt(gain)}-point gain"
        elif gain < 0:
            size = f"a {_fmt(-gain)}-point drop"
        else:
            size = "no gain"
        unit = self.exam.scale_on(self.as_of)
        size = size if unit is None or unit.unit == "points" else size.replace("-point", f" {unit.unit}")
        if evidence != self.profile.plan.evidence or evidence == "practice-exams":
            return f"With {EVIDENCE_WORDS[evidence]} of {size} (predicted {_fmt(predicted)})"
        return f"With a predicted retake score of {_fmt(predicted)} ({size}, on {EVIDENCE_WORDS[evidence]})"

    def evidence(self) -> None:
        plan = self.profile.plan
        if plan.predicted_score is None or plan.evidence == "practice-exams":
            return
        self.add(
            self.first_flip([{"plan.evidence": "practice-exams"}]),
            words=lambda f: f"If practice exams backed the predicted {_fmt(plan.predicted_score)}",
            cost=lambda f: 0.5,
        )

    def months_to_application(self) -> None:
        current = self.profile.plan.months_to_application
        if current is None:
            values = list(range(0, MONTHS_REACH + 1))
            self.add(
                self.first_flip({"plan.months_to_application": v} for v in values),
                words=lambda f: f"If applications closed in {f['plan.months_to_application']} months",
                cost=lambda f: 0.5 + f["plan.months_to_application"] / 12,
            )
            return
        for values in (range(current + 1, min(current + MONTHS_REACH, 120) + 1), range(current - 1, -1, -1)):
            self.add(
                self.first_flip({"plan.months_to_application": v} for v in values),
                words=lambda f: f"If applications closed in {f['plan.months_to_application']} months "
                                f"instead of {current}",
                cost=lambda f: abs(f["plan.months_to_application"] - current) / 6,
            )

    def prep_months(self) -> None:
        current = self.profile.plan.prep_months
        low, high = PREP_RANGE
        for values in (range(current - 1, low - 1, -1), range(current + 1, max(high, current) + 1)):
            self.add(
                self.first_flip({"plan.prep_months": v} for v in values),
                words=lambda f: f"With {f['plan.prep_months']} months of preparation instead of {current}",
                cost=lambda f: abs(f["plan.prep_months"] - current) / 3,
            )

    def stance(self) -> None:
        current = self.profile.programs_accept_retakes
        for stance in ("yes", "no", "unknown"):
            if stance == current:
                continue
            self.add(
                self.first_flip([{"programs_accept_retakes": stance}]),
                words=lambda f: f"If {STANCE_WORDS[f['programs_accept_retakes']]}",
                cost=lambda f: 1.0,
            )

    def setting(self) -> None:
        current = self.profile.target.setting
        for setting in SETTINGS:
            if setting == current:
                continue
            words = "any setting" if setting == "any" else f"{setting} programs"
            self.add(
                self.first_flip([{"target.setting": setting}]),
                words=lambda f, w=words: f"Aiming at {w} instead of {current}",
                cost=lambda f: 1.0,
            )

    def specialty(self) -> None:
        registry = self.pipeline.registry
        country = self.profile.target.country
        available = registry.specialties(country)
        current = available.get(self.profile.target.specialty)
        if current is None:
            return
        others = [s for s in available.values() if s.id != current.id]
        easier = sorted((s for s in others if s.competitiveness <= current.competitiveness),
                        key=lambda s: (current.competitiveness - s.competitiveness, s.id))
        harder = sorted((s for s in others if s.competitiveness > current.competitiveness),
                        key=lambda s: (s.competitiveness - current.competitiveness, s.id))
        names = {s.id: s for s in others}
        bump = SETTING_BUMP[self.profile.target.setting]

        def demand(specialty: Any) -> int:
            return min(100, specialty.competitiveness + bump)

        for group in (easier, harder):
            self.add(
                self.first_flip({"target.specialty": s.id} for s in group),
                # The index as the rules read it: the setting's adjustment included.
                words=lambda f: (f"Aiming at {names[f['target.specialty']].name} "
                                 f"(index {demand(names[f['target.specialty']])}) instead of "
                                 f"{current.name} ({demand(current)})"),
                cost=lambda f: 1.0 + abs(names[f["target.specialty"]].competitiveness - current.competitiveness) / 25,
            )


def smallest_changes(profile: Profile, as_of: date, pipeline: Pipeline | None = None,
                     limit: int | None = None) -> list[WhatIfChange]:
    """The smallest changes to `profile` that flip its verdict's decision or flowchart end, smallest first.

    Raises ProfileError when the profile itself cannot be judged. Each kind of change (and each
    direction of a number) contributes at most its smallest flipping step.
    """
    if not isinstance(profile, Profile):
        profile = parse_profile(profile)
    pipeline = pipeline or default_pipeline()
    search = _Search(pipeline, profile, as_of)
    for kind in (search.predicted_score, search.evidence, search.months_to_application, search.prep_months,
                 search.stance, search.setting, search.specialty):
        kind()
    found = sorted(search.found, key=lambda c: (c.cost, c.change))
    found += _second_steps(pipeline, search, found[:SECOND_STEP_FROM])
    changes = _dedupe(sorted(found, key=lambda c: (c.cost, c.change)))
    return changes[:limit] if limit is not None else changes


# A change often moves the path one question further (a big gain, then "do programs accept
# retakes?"): the cheapest few first steps are tried with one more plan change each, and kept when
# they reach an answer neither the profile nor the first step reaches.
SECOND_STEP_FROM = 4


def _second_steps(pipeline: Pipeline, search: _Search, firsts: Sequence[WhatIfChange]) -> list[WhatIfChange]:
    combined: list[WhatIfChange] = []
    base = (search.base.decision, search.base.outcome)
    for first in firsts:
        try:
            moved = apply_fields(search.profile, first.fields)
        except RetakeError:
            continue
        sub = _Search(pipeline, moved, search.as_of)
        for kind in (sub.stance, sub.months_to_application, sub.prep_months, sub.evidence):
            kind()
        for second in sub.found:
            if (second.decision, second.outcome) == base or set(second.fields) & set(first.fields):
                continue
            words = f"{first.words}, and {second.words[0].lower()}{second.words[1:]}"
            effect = effect_of(search.base, second.outcome)
            verdict_words = second.change[len(second.words) + 2:].replace(EFFECT_WORDS[second.effect], "")
            combined.append(WhatIfChange(
                change=f"{words}, {verdict_words}{EFFECT_WORDS[effect]}", fields={**first.fields, **second.fields},
                decision=second.decision, outcome=second.outcome, cost=first.cost + second.cost, words=words,
                effect=effect,
            ))
    return combined


def _dedupe(changes: Sequence[WhatIfChange]) -> list[WhatIfChange]:
    """Drop a change when a cheaper one, touching a subset of its fields, already reaches the same answer
    (e.g. "practice-exam evidence and predicted 479" after "practice-exam evidence" alone)."""
    kept: list[WhatIfChange] = []
    for change in changes:  # cheapest first
        if math.isnan(change.cost):
            continue
        answer = (change.decision, change.outcome)
        if any(set(k.fields) <= set(change.fields) and (k.decision, k.outcome) == answer for k in kept):
            continue
        kept.append(change)
    return kept
