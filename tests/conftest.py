"""Shared fixtures. Every test is deterministic: a fixed as-of day, no clock, no network."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

AS_OF = date(2026, 11, 25)

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
