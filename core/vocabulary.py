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
    "retake_required": "No valid pass: a retake is required",  # a fail, or a pass that lapsed
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


# --- the flowchart as a graph (front ends draw it from here) -----------------------------------
# node -> (label, {answer: next node}); an end node has no edges.
FLOWCHART: dict[str, tuple[str, dict[bool, str]]] = {
    "B": (QUESTION_TEXT["blocks_target"], {False: "C", True: "D"}),
    "C": (OUTCOME_TEXT["build_rest_of_cv"], {}),
    "D": (QUESTION_TEXT["big_improvement_realistic"], {False: "E", True: "F"}),
    "E": (OUTCOME_TEXT["adjust_targets"], {}),
    "F": (QUESTION_TEXT["programs_accept_retakes"], {False: "G", True: "H"}),
    "G": (OUTCOME_TEXT["improve_other_areas"], {}),
    "H": (QUESTION_TEXT["early_enough"], {False: "I", True: "J"}),
    "I": (OUTCOME_TEXT["apply_with_current_score"], {}),
    "J": (OUTCOME_TEXT["plan_focused_retake"], {}),
}
# When a retake is not possible the score stands: the flowchart stops at B and ends at C or E.
SCORE_STANDS_ENDS = ("build_rest_of_cv", "adjust_targets")

# The stated order of outcomes, best position first (what-if labels a change better or worse by
# it): the score does not block the target; it does, but a retake can fix it now; it could, but
# not in time; it could, but programs hold retakes against you; it blocks, and a retake will not fix it.
OUTCOME_ORDER = ("build_rest_of_cv", "plan_focused_retake", "apply_with_current_score",
                 "improve_other_areas", "adjust_targets")

# --- tones: how a front end shows an item --------------------------------------------------------
Tone = Literal["warning", "reassurance", "neutral"]
TONES: tuple[str, ...] = get_args(Tone)

# --- country terms -----------------------------------------------------------------------------
# The words a verdict uses for a target country's system; any other country gets DEFAULT_TERMS.
# `programs`: who reads the application ("your target {target.programs}"), `Programs` the same at the
# start of a sentence; `selectors`: the people who judge it; `later_exams`: what a fail predicts
# trouble with; `training`: what the application is for.
COUNTRY_TERMS = {
    "US": {"clinical": "US clinical experience (USCE)", "placed": "matched", "posts": "residency programs",
           "system": "the Match", "programs": "programs", "Programs": "Programs",
           "selectors": "program directors", "later_exams": "later board exams", "training": "residency"},
    "GB": {"clinical": "UK clinical experience in NHS posts", "placed": "got posts or training offers",
           "posts": "posts and training programmes", "system": "UK recruitment",
           "programs": "UK posts and training programmes", "Programs": "UK posts and training programmes",
           "selectors": "UK shortlisting panels", "later_exams": "later exams and training assessments",
           "training": "training"},
    "CA": {"clinical": "Canadian clinical experience", "placed": "matched through CaRMS",
           "posts": "residency programs", "system": "CaRMS", "programs": "CaRMS programs",
           "Programs": "CaRMS programs", "selectors": "CaRMS program directors", "later_exams": "later exams",
           "training": "residency"},
}
DEFAULT_TERMS = {"clinical": "clinical experience in the target country", "placed": "were accepted",
                 "posts": "programs", "system": "the application cycle", "programs": "programs",
                 "Programs": "Programs", "selectors": "selectors", "later_exams": "later exams",
                 "training": "training"}


def terms_for(country: str) -> dict[str, str]:
    return COUNTRY_TERMS.get(country, DEFAULT_TERMS)


# The country words every target fact carries (core.facts.target_fact), by fact field.
TARGET_TERM_FIELDS = {"clinical_term": "clinical", "placed": "placed", "programs": "programs",
                      "programs_cap": "Programs", "selectors": "selectors", "later_exams": "later_exams",
                      "training": "training"}


def target_terms(country: str) -> dict[str, str]:
    terms = terms_for(country)
    return {field_name: terms[key] for field_name, key in TARGET_TERM_FIELDS.items()}


def plural(count: int, one: str, many: str | None = None) -> str:
    """'1 attempt', '3 attempts': never 'attempt(s)'."""
    return f"{count} {one if count == 1 else (many or one + 's')}"
