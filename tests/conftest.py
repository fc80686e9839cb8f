"""Shared fixtures. Every test is deterministic: a fixed as-of day, no clock, no network."""

from __future__ import annotations

import copy
import os
import shutil
from datetime import date
from typing import Any

import pytest

from days import AS_OF  # the one fixed day (tests/days.py)

BASE_PROFILE: dict[str, Any] = {
    "exam": "usmle-step2ck",
    "attempts": [{"date": "2025-09-14", "score": 221}],
    "target": {"country": "US", "specialty": "internal-medicine", "setting": "community"},
    "plan": {"predicted_score": 236, "evidence": "practice-exams", "months_to_application": 9, "prep_months": 4},
    "programs_accept_retakes": "unknown",
    "application": {"clinical_experience_months": 2, "letters": "average", "research": "none",
                    "specialty_commitment": True, "personal_statement": "ok", "interview": "ok"},
}


@pytest.fixture
def as_of() -> date:
    return AS_OF


@pytest.fixture
def profile_data() -> dict[str, Any]:
    """A fresh copy of a valid USMLE Step 2 CK profile that each test may change."""
    return copy.deepcopy(BASE_PROFILE)


def need_program(name: str, how: str) -> str:
    """The path of an outside program a test needs, else skip saying how to get it.

    With RETAKE_REQUIRE_TOOLS=1 (set by .ci/run, which installs them) a missing one fails the test
    instead, so CI cannot go green by skipping."""
    path = shutil.which(name)
    if path is None:
        message = f"needs the program {name!r}, not found on PATH ({how})"
        if os.environ.get("RETAKE_REQUIRE_TOOLS") == "1":
            pytest.fail(message + "; RETAKE_REQUIRE_TOOLS=1 says it must be here")
        pytest.skip(message)
    return path


@pytest.fixture
def program():
    """`program("dot", "Debian: apt-get install graphviz")`: see `need_program`."""
    return need_program
