"""Australian Medical Council exams for Retake Verdict: the AMC CAT MCQ and the AMC Clinical Examination.

A third-party plugin: installed with pip, found through the `retake.plugins` entry point `amc`.
Every policy value and its source is in `policy.py`; what could not be confirmed is marked
"unconfirmed" there and in the reason texts.
"""

from __future__ import annotations

from datetime import date

from core import Assessment, ExamSpec, Profile, hookimpl, package_examples

from retake_amc import eligibility, policy, rules

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
def retake_register_specialties(register):
    for specialty in policy.SPECIALTIES:
        register(specialty)


@hookimpl
def retake_assess(exam: ExamSpec, profile: Profile, as_of: date) -> Assessment:
    return eligibility.assess(exam, profile, as_of)


@hookimpl
def retake_register_examples(register):
    for example in package_examples(__name__):  # retake_amc/examples/*.yaml: shipped in the wheel
        register(example)
