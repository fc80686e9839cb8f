"""Shared by the hardening tests: a cohort of valid profiles covering every loaded exam."""

from __future__ import annotations

from typing import Any

import pytest

from core.errors import ProfileError
from core.pipeline import default_pipeline
from core.testing.samples import sample_profiles

from days import AS_OF  # the one fixed day (tests/days.py)
STANCES = ("yes", "no", "unknown")


def make_cohort() -> list[dict[str, Any]]:
    """Valid profiles for every loaded exam, in each programs' stance (a few dozen distinct cases)."""
    pipeline = default_pipeline()
    found = []
    for exam in sorted(pipeline.registry.exams.values(), key=lambda e: e.id):
        specialty = sorted(pipeline.registry.specialties(exam.country))[0]
        for sample in sample_profiles(exam, AS_OF, specialty, exam.country):
            for stance in STANCES:
                profile = {**sample.profile, "programs_accept_retakes": stance}
                try:
                    pipeline.evaluate(profile, AS_OF)
                except ProfileError:
                    continue
                found.append(profile)
    return found


@pytest.fixture(scope="session")
def cohort() -> list[dict[str, Any]]:
    return make_cohort()
