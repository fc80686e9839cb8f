"""core.whatif: the smallest profile changes that flip a verdict, judged by the real pipeline."""

from __future__ import annotations

import pytest

from core import ProfileError, default_pipeline, examples, parse_profile
from core.vocabulary import OUTCOME_ORDER, SCORE_STANDS_ENDS
from core.whatif import WhatIfChange, apply_fields, set_path, smallest_changes

from days import AS_OF  # the one fixed day (tests/days.py)


def _profile(**changes):
    data = examples.load()
    for path, value in changes.items():
        set_path(data, path.replace("__", "."), value)
    return parse_profile(data)


@pytest.fixture(scope="module")
def pipeline():
    return default_pipeline()


def _blocked_low_pass():
    # 219 is below the usable band; university IM asks for more: the score blocks the target (end E).
    return _profile(attempts=[{"date": "2025-09-14", "score": 219}], target__setting="university",
                    plan__predicted_score=230, plan__evidence="self-estimate")


def test_every_change_really_flips_the_verdict(pipeline):
    profile = _blocked_low_pass()
    base = pipeline.evaluate(profile, AS_OF)
    changes = smallest_changes(profile, AS_OF, pipeline)
    assert changes, "a blocked low pass must have some way out"
    for change in changes:
        assert isinstance(change, WhatIfChange)
        verdict = pipeline.evaluate(apply_fields(profile, change.fields), AS_OF)
        assert (verdict.decision, verdict.outcome) == (change.decision, change.outcome)
        assert (verdict.decision, verdict.outcome) != (base.decision, base.outcome)


def test_changes_come_smallest_first(pipeline):
    changes = smallest_changes(_blocked_low_pass(), AS_OF, pipeline)
    costs = [c.cost for c in changes]
    assert costs == sorted(costs)


def test_a_passed_step_gets_no_retake_suggestion(pipeline):
    # A passed USMLE Step cannot be retaken: no change proposes a retake, and no plan change (a
    # retake plan) flips the verdict; the score stands, so only the target can move C <-> E.
    changes = smallest_changes(_blocked_low_pass(), AS_OF, pipeline)
    assert changes
    for change in changes:
        assert change.decision == "not_allowed"
        assert change.outcome in SCORE_STANDS_ENDS
        assert not any(path.startswith("plan.") or path == "programs_accept_retakes" for path in change.fields)


def test_every_suggestion_is_labelled_by_the_order_of_outcomes(pipeline):
    profile = _blocked_low_pass()
    base = pipeline.evaluate(profile, AS_OF)
    for change in smallest_changes(profile, AS_OF, pipeline):
        if OUTCOME_ORDER.index(change.outcome) < OUTCOME_ORDER.index(base.outcome):
            assert change.effect == "better" and "better" in change.change
        else:
            assert change.effect == "worse" and "worse" in change.change


def test_the_built_in_example_flips_only_by_aiming_higher(pipeline):
    # A clean first-attempt 221 for community IM: no plan change moves it; a harder target does.
    changes = smallest_changes(_profile(), AS_OF, pipeline)
    assert [c.fields for c in changes] == [{"target.specialty": "general-surgery"}]
    assert changes[0].outcome == "adjust_targets"
    assert "General Surgery" in changes[0].change


def test_limit_and_plain_dicts(pipeline):
    changes = smallest_changes(_blocked_low_pass().model_dump(mode="json"), AS_OF, pipeline, limit=2)
    assert len(changes) == 2
    assert set(changes[0].to_dict()) == {"change", "fields", "decision", "outcome", "effect"}


def test_a_profile_that_cannot_be_judged_raises_profile_error(pipeline):
    data = examples.load()
    data["attempts"][0]["score"] = 999
    with pytest.raises(ProfileError) as caught:
        smallest_changes(data, AS_OF, pipeline)
    assert caught.value.errors[0].field == "attempts[0].score"


def test_set_path_creates_missing_levels():
    data: dict = {}
    set_path(data, "plan.predicted_score", 240)
    assert data == {"plan": {"predicted_score": 240}}
