"""The product's words, defined once: decisions, flowchart questions and ends, attempt results,
target settings and country aliases.

Everything else (the Verdict contract, the profile model, the framework rules, the front ends)
imports these names; a new value is added here and nowhere else.
"""

from __future__ import annotations

from typing import Literal, get_args

# --- decisions ---------------------------------------------------------------------------------
Decision = Literal["retake", "do_not_retake", "not_allowed", "retake_required"]
DECISIONS: tuple[str, ...] = get_args(Decision)
# When rules conclude different decisions, the policy ones win (a rule-base bug is still raised
# by the contract tests; this order only keeps a verdict safe).
DECISION_PRECEDENCE = ("not_allowed", "retake_required", "do_not_retake", "retake")
DECISION_TEXT = {
    "retake": "Retake",
    "do_not_retake": "Do not retake",
    "not_allowed": "A retake is not allowed",
    "retake_required": "Not passed yet: a retake is required",
}
# The decisions open to a passed exam whose policy allows another sitting.
FLOWCHART_DECISIONS = ("retake", "do_not_retake")

# --- the flowchart (seed section 7); letters are the seed's node names --------------------------
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

Outcome = Literal[
    "build_rest_of_cv", "adjust_targets", "improve_other_areas", "apply_with_current_score", "plan_focused_retake",
]
OUTCOMES: tuple[str, ...] = get_args(Outcome)
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
RETAKE_END = "plan_focused_retake"
# The ends at which the score stands.
KEEP_ENDS = tuple(end for end in OUTCOMES if end != RETAKE_END)

# --- attempts ----------------------------------------------------------------------------------
AttemptResult = Literal["pass", "fail", "incomplete", "no_standing", "denied_standing"]
ATTEMPT_RESULTS: tuple[str, ...] = get_args(AttemptResult)

# --- targets -----------------------------------------------------------------------------------
Setting = Literal["community", "university", "any"]
SETTINGS: tuple[str, ...] = get_args(Setting)

# Countries people name by a common alias rather than the ISO 3166 code.
COUNTRY_ALIASES = {"UK": "GB", "USA": "US", "CAN": "CA", "AUS": "AU"}


def country_code(text: str) -> str:
    """`text` as an upper-case ISO 3166 code, with the common aliases (UK, USA, …) resolved."""
    code = text.strip().upper()
    return COUNTRY_ALIASES.get(code, code)
