"""The candidate profile: the exams: form, the one-exam form as a one-entry candidate, field paths."""

from __future__ import annotations

import copy
from datetime import date

import pytest
import yaml

from core.candidate import Candidate, parse_candidate
from core.errors import ProfileError
from core.profile import parse_profile

UK = yaml.safe_load("""
target: {country: GB, specialty: internal-medicine, setting: any}
application: {clinical_experience_months: 6, letters: average}
exams:
  IELTS-Academic:
    attempts: [{date: 2024-11-02, score: 7.5, parts: {listening: 8, reading: 7.5, writing: 7, speaking: 7.5}}]
  plab1:
    attempts: [{date: 2025-03-10, score: 131, pass_mark: 120}]
  plab2:
    attempts: []
    plan: {months_to_application: 10}
""")


def errors_of(data):
    with pytest.raises(ProfileError) as caught:
        parse_candidate(data)
    return {e.field: e for e in caught.value.errors}


def test_exams_form_parses_with_shared_fields_and_per_exam_views():
    candidate = parse_candidate(copy.deepcopy(UK))
    assert list(candidate.exams) == ["ielts-academic", "plab1", "plab2"]  # ids in any case, order kept
    assert candidate.sat_exams == ["ielts-academic", "plab1"] and candidate.to_sit == ["plab2"]
    assert not candidate.one_exam
    view = candidate.profile("plab1")
    assert view.exam == "plab1" and view.attempts[0].pass_mark == 120
    assert view.target.country == "GB" and view.application.clinical_experience_months == 6
    assert view.plan.months_to_application is None  # plab2's plan is plab2's, not shared
    assert candidate.attempts_at("plab2") == [] and candidate.attempts_at("usmle-step1") == []
    with pytest.raises(KeyError, match="no sittings"):
        candidate.profile("plab2")


def test_one_exam_form_is_a_one_entry_candidate_with_the_same_profile(profile_data):
    candidate = parse_candidate(copy.deepcopy(profile_data))
    assert candidate.one_exam and list(candidate.exams) == ["usmle-step2ck"]
    assert candidate.profile("usmle-step2ck") == parse_profile(profile_data)


def test_one_entry_exams_form_gives_the_same_view_as_the_one_exam_form(profile_data):
    as_exams = {"target": profile_data["target"], "application": profile_data["application"],
                "exams": {"usmle-step2ck": {"attempts": profile_data["attempts"], "plan": profile_data["plan"],
                                            "programs_accept_retakes": profile_data["programs_accept_retakes"]}}}
    candidate = parse_candidate(as_exams)
    assert not candidate.one_exam
    assert candidate.profile("usmle-step2ck") == parse_profile(profile_data)


def test_one_exam_errors_are_unchanged(profile_data):
    profile_data["attempts"][0]["date"] = "2025-02-30"
    with pytest.raises(ProfileError) as one:
        parse_profile(copy.deepcopy(profile_data))
    with pytest.raises(ProfileError) as both:
        parse_candidate(copy.deepcopy(profile_data))
    assert one.value.errors == both.value.errors


def test_every_error_names_the_candidate_field_path():
    data = copy.deepcopy(UK)
    data["exams"]["plab1"]["attempts"][0]["date"] = "2025-02-30"
    data["exams"]["plab1"]["attempts"].append({"date": "2025-06-01", "score": 120, "colour": "red"})
    data["exams"]["plab2"]["plann"] = {}
    data["exams"]["plab2"]["programs_accept_retakes"] = "maybe"
    data["target"]["setting"] = "rural"
    found = errors_of(data)
    assert "YYYY-MM-DD" in found["exams.plab1.attempts[0].date"].allowed
    assert found["exams.plab1.attempts[1].colour"].message == "unknown field"
    assert "result" in found["exams.plab1.attempts[1].colour"].allowed
    assert "plan" in found["exams.plab2.plann"].allowed
    assert "unknown" in found["exams.plab2.programs_accept_retakes"].allowed
    assert "community" in found["target.setting"].allowed


def test_unsorted_attempts_and_bad_entries_are_named():
    data = copy.deepcopy(UK)
    data["exams"]["plab1"]["attempts"].insert(0, {"date": "2025-06-01", "score": 125, "pass_mark": 120})
    data["exams"]["nac"] = 3
    found = errors_of(data)
    assert found["exams.plab1.attempts"].message == "attempts must be listed oldest first"
    assert "attempts" in found["exams.nac"].allowed


def test_one_exam_fields_beside_exams_point_to_the_exam_entry():
    data = copy.deepcopy(UK)
    data["attempts"] = []
    found = errors_of(data)
    assert "exams.ID.attempts" in found["attempts"].message


def test_both_forms_at_once_and_empty_exams_are_refused(profile_data):
    assert "not both" in errors_of({**copy.deepcopy(profile_data), "exams": {}})["exam"].message
    assert errors_of({"target": UK["target"], "exams": {}})["exams"].message == "must list at least one exam"
    assert "exam ids" in errors_of({"target": UK["target"], "exams": ["plab1"]})["exams"].message
    assert "listed twice" in errors_of({"target": UK["target"], "exams": {"plab1": {}, "PLAB1": {}}})["exams"].message
    assert errors_of({"exams": {"plab1": {}}})["target"].message == "is required"


def test_shared_field_errors_show_once_not_once_per_exam():
    data = copy.deepcopy(UK)
    data["application"]["letters"] = "glowing"
    found = errors_of(data)
    assert list(found) == ["application.letters"]


def test_an_exam_still_to_sit_needs_no_attempts_key():
    candidate = parse_candidate({"target": UK["target"], "exams": {"plab2": None, "plab1": {}}})
    assert candidate.to_sit == ["plab2", "plab1"] and candidate.profiles == {}


def test_from_profile_round_trip(profile_data):
    profile = parse_profile(profile_data)
    candidate = Candidate.from_profile(profile)
    assert candidate.profile(profile.exam) is profile
    assert candidate.attempts_at(profile.exam)[0].date == date(2025, 9, 14)


def test_kept_work_is_done_once_per_candidate_and_a_failure_is_not_kept():
    candidate = parse_candidate(copy.deepcopy(UK))
    calls: list[int] = []
    assert candidate.kept(("test", "n"), lambda: calls.append(1) or len(calls)) == 1
    assert candidate.kept(("test", "n"), lambda: calls.append(1) or len(calls)) == 1
    assert calls == [1]
    assert parse_candidate(copy.deepcopy(UK)).kept(("test", "n"), lambda: 7) == 7  # another candidate: its own

    def fails() -> int:
        raise ProfileError.single("attempts", "bad")

    for _ in range(2):
        with pytest.raises(ProfileError):
            candidate.kept(("test", "bad"), fails)
