"""PLAB (United Kingdom, GMC): PLAB 1, PLAB 2 and the English tests the GMC accepts.

Policies: four attempts per part, then one additional attempt after 12 months with evidence;
PLAB 1 judged by its sitting's own pass mark; PLAB 2 within the PLAB 1 pass's validity (two
years, three under the COVID-19 extension that ended on 2025-03-31); registration within two
years of PLAB 2; IELTS Academic / OET Medicine minimums with two-year validity. A passed part is
treated as final (unconfirmed). Every number lives in `policy.py`, heuristic bands in `bands.py`.
"""

from __future__ import annotations

from datetime import date

from core import hookimpl, package_examples
from core.exams import Assessment, ExamSpec
from core.profile import Profile
from plugins.plab import across, eligibility, english, exams, rules

__version__ = "0.1.0"


@hookimpl
def retake_register_exams(register):
    for exam in exams.EXAMS:
        register(exam)


@hookimpl
def retake_register_rules(register):
    for rule in rules.RULES:
        register(rule)


@hookimpl
def retake_assess(exam: ExamSpec, profile: Profile, as_of: date, candidate) -> Assessment | None:
    if exam.id in rules.ENGLISH:
        # The candidate keeps the judged sittings, which the PLAB verdicts read again (plab.across);
        # only for the candidate's own view of this exam, not a variation of it (a what-if).
        mine = candidate is not None and bool(candidate.attempts_at(exam.id)) \
            and candidate.profile(exam.id) is profile
        return english.assess(exam, profile, as_of, across.english_sittings(candidate, exam.id) if mine else None)
    return eligibility.assess(exam, profile, as_of, candidate)


@hookimpl
def retake_register_examples(register):
    for example in package_examples(__name__):  # plugins/<name>/examples/*.yaml
        register(example)
