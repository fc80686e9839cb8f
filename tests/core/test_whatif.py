"""core.whatif: the smallest profile changes that flip a verdict, judged by the real pipeline."""

from __future__ import annotations

import pytest

from core import ProfileError, default_pipeline, examples, parse_profile
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


def test_a_big_gain_with_evidence_and_accepting_programs_reaches_a_focused_retake(pipeline):
    changes = smallest_changes(_blocked_low_pass(), AS_OF, pipeline)
    retake = [c for c in changes if c.outcome == "plan_focused_retake"]
    assert retake, [c.change for c in changes]
    first = retake[0]
    assert first.fields["plan.evidence"] == "practice-exams"
    assert first.fields["programs_accept_retakes"] == "yes"
    assert "practice-exam evidence" in first.change and "plan a focused retake" in first.change


def test_the_predicted_score_found_is_the_smallest_that_flips(pipeline):
    profile = _blocked_low_pass()
    change = next(c for c in smallest_changes(profile, AS_OF, pipeline)
                  if set(c.fields) == {"plan.predicted_score", "plan.evidence"})
    score = change.fields["plan.predicted_score"]
    one_less = pipeline.evaluate(apply_fields(profile, {**change.fields, "plan.predicted_score": score - 1}), AS_OF)
    base = pipeline.evaluate(profile, AS_OF)
    assert (one_less.decision, one_less.outcome) == (base.decision, base.outcome)
    assert f"predicted {score:g}" in change.change
    assert f"{score - 219:g}-point gain" in change.change


def test_the_built_in_example_flips_only_by_aiming_higher(pipeline):
    # A clean first-attempt 221 for community IM: no plan change moves it; a harder target does.
    changes = smallest_changes(_profile(), AS_OF, pipeline)
    assert [c.fields for c in changes] == [{"target.specialty": "general-surgery"}]
    assert changes[0].outcome == "adjust_targets"
    assert "General Surgery" in changes[0].change


def test_a_timeline_change_is_found_when_time_is_what_is_missing(pipeline):
    profile = _profile(attempts=[{"date": "2025-09-14", "score": 219}], target__setting="university",
                       plan__predicted_score=240, programs_accept_retakes="yes", plan__months_to_application=2)
    assert pipeline.evaluate(profile, AS_OF).outcome == "apply_with_current_score"
    changes = smallest_changes(profile, AS_OF, pipeline)
    months = next(c for c in changes if set(c.fields) == {"plan.months_to_application"})
    assert months.fields["plan.months_to_application"] == 4  # prep_months is 4
    assert months.outcome == "plan_focused_retake"
    prep = next(c for c in changes if set(c.fields) == {"plan.prep_months"})
    assert prep.fields["plan.prep_months"] == 2


def test_limit_and_plain_dicts(pipeline):
    changes = smallest_changes(_blocked_low_pass().model_dump(mode="json"), AS_OF, pipeline, limit=2)
    assert len(changes) == 2
    assert set(changes[0].to_dict()) == {"change", "fields", "decision", "outcome"}


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


def test_a_change_is_dropped_when_a_smaller_one_already_reaches_its_answer(pipeline):
    # Practice exams alone turn a 21-point self-estimate into a realistic gain; "practice exams and
    # predicted 239" says nothing more and is left out.
    profile = _profile(attempts=[{"date": "2025-09-14", "score": 219}], target__setting="university",
                       plan__predicted_score=240, plan__evidence="self-estimate")
    changes = smallest_changes(profile, AS_OF, pipeline)
    evidence = next(c for c in changes if c.fields == {"plan.evidence": "practice-exams"})
    assert evidence.outcome == "improve_other_areas"
    assert "If practice exams backed the predicted 240" in evidence.change
    assert not [c for c in changes if set(c.fields) == {"plan.evidence", "plan.predicted_score"}
                and c.outcome == evidence.outcome]
    assert any(c.outcome == "plan_focused_retake" and c.fields.get("programs_accept_retakes") == "yes"
               for c in changes)
