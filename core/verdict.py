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
    basis: str = "score"
    heuristic: bool = False
    note: str = ""


class Item(_Out):
    id: str
    text: str


class Reason(_Out):
    rule: str
    title: str
    text: str
    source: str
    source_title: str = ""
    effective: Optional[date]
    effective_note: str = ""
    confidence: str = "high"


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

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
