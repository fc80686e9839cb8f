"""Every example profile the built-in plugins ship (plugins/*/examples/) evaluates to a verdict."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.examples import load, names
from core.loading import parse_text

PROFILES = sorted((Path(__file__).resolve().parents[2] / "plugins").glob("*/examples/*.yaml"))
EXPECTED = {
    "usmle-step2ck-low-pass": "not_allowed", "plab1-borderline": "not_allowed",
    "ielts-academic-writing-short": "retake_required", "mccqe1-new-scale": "not_allowed", "nac-pass": "do_not_retake",
}


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_example_profiles(decide, path):
    verdict = decide(parse_text(path.read_text(encoding="utf-8"), name=path.name))
    assert verdict.decision == EXPECTED[path.stem]


def test_one_built_in_example_per_country(decide):
    exams = {load(name)["exam"] for name in names()}
    assert {"usmle-step2ck", "plab1", "mccqe1"} <= exams
    for name in names():
        assert decide(load(name)).reasons
