"""The verdict (output contract): one JSON object, the same for the CLI and the dashboard."""

from __future__ import annotations

from datetime import date
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict

# The vocabulary lives in core.vocabulary; these names stay importable from here.
from core.vocabulary import (  # noqa: E402,F401
    DECISION_TEXT, OUTCOME_NODE, OUTCOME_TEXT, QUESTION_NODE, QUESTION_TEXT, QUESTIONS, Decision, Outcome,
)


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PathStep(_Out):
    question: str
    answer: Optional[bool]
    rules: list[str]


class DeadlineOut(_Out):
    id: str
    date: date
    text: str
    days_left: int
    source: str
    confidence: str = "high"


class EligibilityOut(_Out):
    can_retake: bool
    earliest_date: Optional[date]
    deadline: Optional[date]
    attempts_used: int
    attempts_left: Optional[int]
    passed: bool = False
    deadlines: list[DeadlineOut] = []
    notes: list[str] = []


class BandOut(_Out):
    id: str
    label: str
    low: float
    high: float
    fits_up_to: Optional[int] = None  # the band's reach on the competitiveness index
    basis: str = "score"
    heuristic: bool = False
    note: str = ""


class Item(_Out):
    id: str
    text: str
    tone: str = "neutral"  # warning | reassurance | neutral (core.vocabulary.TONES)


class Reason(_Out):
    rule: str
    title: str
    text: str
    source: str
    source_title: str = ""
    effective: Optional[date]
    effective_note: str = ""
    confidence: str = "high"
    tone: str = "neutral"


class PartOut(_Out):
    """One part of a multi-part exam's deciding sitting against the authority's minimum: `value` and
    `minimum` on one numeric scale (a grade exam's grades ranked worst = 0), `shown` as the authority
    reports it (6.5, "C+"), `shown_minimum` likewise; `scale` the grade names worst first (grade exams)."""

    name: str
    value: float
    minimum: float
    met: Optional[bool] = None
    shown: str = ""
    shown_minimum: str = ""
    scale: list[str] = []


class PassMarkOut(_Out):
    """The pass mark the latest scored sitting was judged by, with where it comes from."""

    value: float
    effective: Optional[date]
    source: str


class TargetOut(_Out):
    """The target as the rules read it: `demand` is the index every reason compares and quotes."""

    country: str
    specialty: str
    specialty_name: str
    setting: str
    index: int           # the specialty's own index
    demand: int          # with the setting's adjustment
    tier: str


class Unknown(_Out):
    """Something the verdict could not judge, and the profile field that would let it."""

    field: str
    text: str


class Verdict(_Out):
    exam: str
    as_of: date
    decision: Decision
    outcome: Optional[Outcome]
    path: list[PathStep]
    eligibility: EligibilityOut
    band: Optional[BandOut]
    red_flags: list[Item]
    reasons: list[Reason]
    actions: list[Item]
    rules_version: str
    score: Optional[float] = None
    predicted_band: Optional[BandOut] = None
    notes: list[str] = []
    # Added 2026-12 (additive): what front ends show, so they copy no domain logic.
    headline: str = ""                    # one sentence naming the deciding fact
    deciding_rule: Optional[str] = None   # the rule whose reason the headline states
    pass_mark: Optional[PassMarkOut] = None
    target: Optional[TargetOut] = None
    unknowns: list[Unknown] = []
    # Added 2026-12 (additive): a multi-part exam's parts in the deciding sitting, and the failing ones by name.
    parts: list[PartOut] = []
    failing_parts: list[str] = []

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
