"""MCCQE (Canada, Medical Council of Canada): MCCQE Part I, the NAC examination, MCCQE Part II.

Policies: Part I at most four counted attempts, a one-year wait after the third result, no retake
after a pass, two dated score scales; NAC at most three attempts in total, every retake only
after skipping a session, the latest result valid; Part II discontinued in June 2021 (registered
so that a Part II profile gets a clear answer rather than "unknown exam"). Canadian specialty
context for IMGs through `retake_register_specialties`. Every number lives in `policy.py`.
"""

from __future__ import annotations

from datetime import date

from core import hookimpl, package_examples
from core.specialty_index import Specialty
from core.exams import Assessment, ExamSpec
from core.profile import Profile
from plugins.mccqe import across, eligibility, exams, policy, rules

__version__ = "0.1.0"

_NAMES = {
    "family-medicine": "Family Medicine", "internal-medicine": "Internal Medicine", "psychiatry": "Psychiatry",
    "pediatrics": "Pediatrics", "general-surgery": "General Surgery", "anesthesiology": "Anesthesiology",
    "radiology": "Radiology", "dermatology": "Dermatology", "plastic-surgery": "Plastic Surgery",
    "otolaryngology": "Otolaryngology (ENT)", "orthopedic-surgery": "Orthopedic Surgery",
}


@hookimpl
def retake_register_exams(register):
    for exam in exams.EXAMS:
        register(exam)


@hookimpl
def retake_register_rules(register):
    for rule in rules.RULES:
        register(rule)


@hookimpl
def retake_register_specialties(register):
    for specialty_id, index in policy.CANADA_INDEX.items():
        register(Specialty(specialty_id, _NAMES[specialty_id], index, policy.HEURISTIC, country="CA",
                           note="Raised for IMGs in the CaRMS R-1 match, which the seed calls extremely "
                                "IMG-restrictive (project heuristic)."))


@hookimpl
def retake_assess(exam: ExamSpec, profile: Profile, as_of: date, candidate) -> Assessment | None:
    assessment = eligibility.assess(exam, profile, as_of)
    pair = across.carms_pair(exam, candidate)  # None for a one-exam profile
    if pair is not None:
        assessment.facts.append(pair)
    return assessment


@hookimpl
def retake_register_examples(register):
    for example in package_examples(__name__):  # plugins/<name>/examples/*.yaml
        register(example)
