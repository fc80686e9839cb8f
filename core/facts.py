"""Turning a profile and a plugin's assessment into engine facts.

Only derivation happens here (differences, sums, lookups); every threshold that decides something
lives in a rule. Fields are plain JSON values with no nulls (durable_rules compares them), so
"unknown" is spelt with a `has_…` flag next to a neutral number.

Fact types and fields:
- clock: day (ordinal), date
- case: exam, exam_name, plugin, passed, has_score, has_band, score, attempts_used, failures,
  failures_text ("1 failed attempt"), retake_after_pass, retakes_common, all_attempts_reported
- eligibility: exam, plugin, passed, can_retake, attempts_used, attempts_left (-1: no limit),
  has_limit, attempts_left_text, blocked_by ("" when not blocked), has_earliest, earliest, months_to_earliest,
  time_limit_expired
- target: country, specialty, specialty_name, setting, competitiveness, demand (the index with the
  setting's adjustment: the one every rule compares and quotes), index_text ("50, with 15 added
  for university programs"), tier (of demand), clinical_term, placed, programs, programs_cap, selectors,
  later_exams, training (country words: `core.vocabulary.target_terms`)
- band / predicted_band: key, label, rank, fits_up_to, basis, heuristic, index_reading
- plan: has_prediction, predicted_score, gain, evidence, big_gain, small_gain, has_timeline,
  months_to_application, prep_months, months_needed, slack
- programs: stance
- application: clinical_months, postgraduate, letters, research, commitment, statement, interview;
  a field the profile did not give is "unknown" (a number: -1), so no rule for a known bad value
  matches it (unknown is not none)
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core.specialty_index import SETTING_BUMP, Specialty, tier_of
from core.calendar_math import months_until
from core.engine import clock_fact
from core.exams import Assessment, Band
from core.profile import Profile
from core.vocabulary import plural, target_terms

NO_GAIN_MEASURE = 1e9


def _band_fact(kind: str, band: Band) -> dict[str, Any]:
    return {
        "t": kind, "key": band.id, "label": band.label, "rank": band.rank, "fits_up_to": band.fits_up_to,
        "basis": band.basis, "heuristic": band.heuristic, "index_reading": band.index_reading,
    }


def build_facts(profile: Profile, assessment: Assessment, specialty: Specialty, as_of: date) -> list[dict[str, Any]]:
    exam = assessment.exam
    eligibility = assessment.eligibility
    failures = sum(1 for a in assessment.attempts if a.result == "fail")
    has_score = assessment.score is not None

    case = {
        "t": "case", "exam": exam.id, "exam_name": exam.name, "plugin": exam.plugin,
        "passed": eligibility.passed, "has_score": has_score, "has_band": assessment.band is not None,
        "score": assessment.score if has_score else 0,
        "attempts_used": eligibility.attempts_used, "failures": failures,
        "failures_text": plural(failures, "failed attempt"),
        "retake_after_pass": exam.retake_after_pass, "retakes_common": exam.retakes_common,
        "all_attempts_reported": exam.all_attempts_reported,
    }

    left = eligibility.attempts_left
    months_to_earliest = months_until(as_of, eligibility.earliest_date) if eligibility.earliest_date else 0
    eligibility_fact = {
        "t": "eligibility", "exam": exam.id, "plugin": exam.plugin,
        "passed": eligibility.passed, "can_retake": eligibility.can_retake,
        "attempts_used": eligibility.attempts_used,
        "attempts_left": -1 if left is None else left,
        "has_limit": left is not None,
        "attempts_left_text": "no attempt limit" if left is None else plural(left, "attempt") + " left",
        "blocked_by": eligibility.blocked_by or "",
        "has_earliest": eligibility.earliest_date is not None,
        "earliest": eligibility.earliest_date.isoformat() if eligibility.earliest_date else "",
        "months_to_earliest": months_to_earliest,
        "time_limit_expired": profile.exceptions.time_limit_expired,
    }

    target = target_fact(profile, specialty)

    plan = profile.plan
    has_prediction = plan.predicted_score is not None and has_score
    gain = (plan.predicted_score - assessment.score) if has_prediction else 0
    has_timeline = plan.months_to_application is not None
    months_needed = max(plan.prep_months, months_to_earliest)
    plan_fact = {
        "t": "plan", "has_prediction": has_prediction,
        "predicted_score": plan.predicted_score if has_prediction else 0,
        "gain": round(gain, 4), "evidence": plan.evidence,
        # An exam without a gain measure never counts a gain as big (JSON has no infinity).
        "big_gain": exam.big_gain if exam.big_gain is not None else NO_GAIN_MEASURE,
        "small_gain": exam.small_gain if exam.small_gain is not None else 0,
        "has_timeline": has_timeline,
        "months_to_application": plan.months_to_application if has_timeline else 0,
        "prep_months": plan.prep_months, "months_needed": months_needed,
        "slack": (plan.months_to_application - months_needed) if has_timeline else 0,
    }
    facts: list[dict[str, Any]] = [
        clock_fact(as_of),
        case,
        eligibility_fact,
        target,
    ]
    if assessment.band is not None:
        facts.append(_band_fact("band", assessment.band))
    if assessment.predicted_band is not None and has_prediction:
        facts.append(_band_fact("predicted_band", assessment.predicted_band))
    facts += [
        plan_fact,
        {"t": "programs", "stance": profile.programs_accept_retakes},
        application_fact(profile),
    ]
    facts += [dict(extra) for extra in assessment.facts]
    return facts


def setting_words(setting: str) -> str:
    return "any setting" if setting == "any" else f"{setting} programs"


def target_fact(profile: Profile, specialty: Specialty) -> dict[str, Any]:
    """The target as the rules read it: one index (the setting's adjustment included) for all."""
    setting = profile.target.setting
    bump = SETTING_BUMP[setting]
    demand = min(100, specialty.competitiveness + bump)
    index_text = f"{demand}, with {bump} added for {setting} programs" if bump else f"{demand}"
    return {
        "t": "target", "country": profile.target.country, "specialty": specialty.id,
        "specialty_name": specialty.name, "setting": setting, "setting_text": setting_words(setting),
        "competitiveness": specialty.competitiveness, "demand": demand, "index_text": index_text,
        "tier": tier_of(demand), **target_terms(profile.target.country),
    }


# application field -> its name in the application fact
APPLICATION_FIELDS = {
    "clinical_experience_months": "clinical_months", "postgraduate_qualification": "postgraduate",
    "letters": "letters", "research": "research", "specialty_commitment": "commitment",
    "personal_statement": "statement", "interview": "interview",
}
UNKNOWN = "unknown"


def application_fact(profile: Profile) -> dict[str, Any]:
    application = profile.application
    given = application.model_fields_set
    fact: dict[str, Any] = {"t": "application"}
    for field_name, key in APPLICATION_FIELDS.items():
        if field_name in given:
            fact[key] = getattr(application, field_name)
        else:
            fact[key] = -1 if field_name == "clinical_experience_months" else UNKNOWN
    return fact


def unknown_application_fields(profile: Profile) -> list[str]:
    """The application fields the profile did not give (the rules could not judge them)."""
    given = profile.application.model_fields_set
    return [f for f in APPLICATION_FIELDS if f not in given]
