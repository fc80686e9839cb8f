"""The verdict (output contract): one JSON object, the same for the CLI and the dashboard."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict

Decision = Literal["retake", "do_not_retake", "not_allowed", "retake_required"]
Outcome = Literal[
    "build_rest_of_cv", "adjust_targets", "improve_other_areas", "apply_with_current_score", "plan_focused_retake",
]

# The flowchart (seed section 7) in order; letters are the seed's node names.
QUESTIONS = ("blocks_target", "big_improvement_realistic", "programs_accept_retakes", "early_enough")
QUESTION_TEXT = {
    "blocks_target": "Does the current score block the target specialty or country?",
    "big_improvement_realistic": "Is a big improvement realistic, with evidence?",
    "programs_accept_retakes": "Do the target programs accept retakes?",
    "early_enough": "Is there time in the application timeline?",
}
QUESTION_NODE = {
    "blocks_target": "B", "big_improvement_realistic": "D", "programs_accept_retakes": "F", "early_enough": "H",
}
OUTCOME_NODE = {
    "build_rest_of_cv": "C", "adjust_targets": "E", "improve_other_areas": "G",
    "apply_with_current_score": "I", "plan_focused_retake": "J",
}
OUTCOME_TEXT = {
    "build_rest_of_cv": "Keep this score and build the rest of your application",
    "adjust_targets": "Adjust your specialty or country targets",
    "improve_other_areas": "Keep the score; strengthen the other parts of your application",
    "apply_with_current_score": "Apply this cycle with the score you have",
    "plan_focused_retake": "Plan a focused retake with a clear score goal",
}
DECISION_TEXT = {
    "retake": "Retake",
    "do_not_retake": "Do not retake",
    "not_allowed": "A retake is not allowed",
    "retake_required": "Not passed yet: a retake is required",
}


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
