"""USMLE (United States): Steps 1, 2 CK and 3.

Policies: no retake after a pass (unless a board's time limit expired), 4 attempts per Step,
the 2012 waiting rules, dated pass standards. See `policy.py` for every number and its source.
"""

from __future__ import annotations

from datetime import date

from core import hookimpl, package_examples
from core.exams import Assessment, ExamSpec
from core.profile import Profile
from plugins.usmle import eligibility, policy, rules

__version__ = "0.1.0"


@hookimpl
def retake_register_exams(register):
    for exam in policy.EXAMS:
        register(exam)


@hookimpl
def retake_register_rules(register):
    for rule in rules.RULES:
        register(rule)


@hookimpl
def retake_assess(exam: ExamSpec, profile: Profile, as_of: date, candidate) -> Assessment | None:
    return eligibility.assess(exam, profile, as_of, candidate)


@hookimpl
def retake_register_examples(register):
    for example in package_examples(__name__):  # plugins/<name>/examples/*.yaml
        register(example)
