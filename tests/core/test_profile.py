"""The profile contract: what is accepted, and how every rejection names the field."""

from datetime import date

import pytest
import yaml

from core.errors import ProfileError
from core.profile import parse_profile


def errors_of(data):
    with pytest.raises(ProfileError) as caught:
        parse_profile(data)
    return caught.value.errors


def test_valid_profile_parses(profile_data):
    profile = parse_profile(profile_data)
    assert profile.exam == "usmle-step2ck"
    assert profile.attempts[0].date == date(2025, 9, 14)
    assert profile.plan.prep_months == 4


def test_misspelt_key_is_named_with_the_allowed_keys(profile_data):
    profile_data["atempts"] = profile_data.pop("attempts")
    found = {e.field: e for e in errors_of(profile_data)}
    assert found["atempts"].message == "unknown field"
    assert "attempts" in found["atempts"].allowed
    assert found["attempts"].message == "is required"


def test_unknown_nested_key(profile_data):
    profile_data["target"]["speciality"] = "x"
    (error,) = [e for e in errors_of(profile_data) if e.field == "target.speciality"]
    assert "specialty" in error.allowed


def test_yaml_bare_yes_no_and_uk_and_case_insensitive_exam(profile_data):
    text = """
exam: USMLE-Step2CK
attempts:
  - date: 2025-09-14
    score: 221
target: {country: UK, specialty: Internal-Medicine}
programs_accept_retakes: yes
"""
    profile = parse_profile(yaml.safe_load(text))
    assert profile.exam == "usmle-step2ck"
    assert profile.target.country == "GB"
    assert profile.target.specialty == "internal-medicine"
    assert profile.programs_accept_retakes == "yes"
    assert parse_profile({**profile_data, "programs_accept_retakes": False}).programs_accept_retakes == "no"


def test_dates_as_strings_or_dates(profile_data):
    profile_data["attempts"][0]["date"] = date(2025, 9, 14)
    assert parse_profile(profile_data).attempts[0].date == date(2025, 9, 14)


@pytest.mark.parametrize("bad_date", ["2025-02-30", "2023-02-29", "14/09/2025", "yesterday"])
def test_impossible_dates_are_rejected(profile_data, bad_date):
    profile_data["attempts"][0]["date"] = bad_date
    (error,) = errors_of(profile_data)
    assert error.field == "attempts[0].date"
    assert "YYYY-MM-DD" in error.allowed


def test_leap_day_is_a_real_date(profile_data):
    profile_data["attempts"][0]["date"] = "2024-02-29"
    assert parse_profile(profile_data).attempts[0].date == date(2024, 2, 29)


def test_bad_enum_lists_allowed_values(profile_data):
    profile_data["plan"]["evidence"] = "hope"
    (error,) = errors_of(profile_data)
    assert error.field == "plan.evidence"
    assert "practice-exams" in error.allowed and "self-estimate" in error.allowed


def test_attempts_must_be_oldest_first(profile_data):
    profile_data["attempts"] = [{"date": "2025-09-14", "score": 221}, {"date": "2024-01-01", "result": "fail"}]
    (error,) = errors_of(profile_data)
    assert error.field == "attempts" and "oldest first" in error.message


def test_score_must_be_a_number(profile_data):
    profile_data["attempts"][0]["score"] = "two hundred"
    (error,) = errors_of(profile_data)
    assert error.field == "attempts[0].score" and error.allowed == "a number"


def test_bad_country(profile_data):
    profile_data["target"]["country"] = "United States"
    (error,) = errors_of(profile_data)
    assert error.field == "target.country" and "ISO 3166" in error.message


def test_not_a_mapping():
    (error,) = errors_of(["exam", "usmle-step2ck"])
    assert "mapping" in error.message


def test_error_renders_field_and_allowed(profile_data):
    profile_data["plan"]["prep_months"] = 0
    (error,) = errors_of(profile_data)
    assert str(error).startswith("plan.prep_months:")
    assert ">= 1" in str(error)
