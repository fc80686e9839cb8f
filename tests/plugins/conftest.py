"""Fixtures for the country plugin tests: one pipeline over the built-in plugins, fixed dates."""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

import pytest

from core.pipeline import Pipeline
from core.plugins import build_registry
from core.verdict import Verdict

from days import AS_OF  # the one fixed day (tests/days.py)


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    registry = build_registry(env={"RETAKE_PLUGINS": "usmle,plab,mccqe"}, strict=True)
    return Pipeline(registry)


@pytest.fixture(scope="session")
def decide(pipeline: Pipeline) -> Callable[..., Verdict]:
    def run(profile: dict[str, Any], as_of: date = AS_OF) -> Verdict:
        return pipeline.evaluate(profile, as_of)
    return run

