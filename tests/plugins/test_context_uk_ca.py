"""UK and Canada context (issue 12 item 4), as rules tested as data: profile + day -> fired rules and texts.
Figures: shared/policies.md revised 2026-12-01. Context, never a probability."""

from __future__ import annotations

from datetime import date

import pytest

from plugins.plab import uk_context


def plab1(specialty: str, **extra) -> dict:
    return {"exam": "plab1", "attempts": [{"date": "2025-09-14", "score": 130, "pass_mark": 120}],
            "target": {"country": "GB", "specialty": specialty}, **extra}


def reason(verdict, rule_id):
    return next((r for r in verdict.reasons if r.rule == rule_id), None)


@pytest.mark.parametrize("specialty, figure, year", [
    ("internal-medicine", "3.69 applicants per post", 2024),
    ("general-surgery", "5.25 applicants per post", 2024),
    ("family-medicine", "2.67 applicants per post", 2024),
    ("psychiatry", "about 22 applicants per post", 2025),
])
def test_uk_competition_ratio_is_quoted_with_year_source_and_confidence(decide, specialty, figure, year):
    verdict = decide(plab1(specialty))
    found = reason(verdict, f"plab.context.ratio-{specialty}")
    assert found is not None and figure in found.text and f"in {year} recruitment" in found.text
    assert found.confidence == "medium" and "medium confidence" in found.text
    assert "not a chance of success" in found.text and "probab" not in found.text
    assert found.source.startswith("https://") and found.effective_note == f"{year} recruitment data"
    assert reason(verdict, "plab.context.ratio-not-recorded") is None


@pytest.mark.parametrize("specialty", ["pediatrics", "anesthesiology", "radiology", "dermatology",
                                       "orthopedic-surgery", "otolaryngology", "plastic-surgery"])
def test_a_uk_specialty_without_a_recorded_ratio_says_unknown_not_easy(decide, specialty):
    verdict = decide(plab1(specialty))
    found = reason(verdict, "plab.context.ratio-not-recorded")
    assert found is not None and "unknown, not easy" in found.text
    assert not [r for r in verdict.reasons if r.rule.startswith("plab.context.ratio-") and r is not found]


def test_every_gb_specialty_gets_exactly_one_ratio_reading(pipeline, decide):
    for specialty in pipeline.registry.specialties("GB"):
        fired = [r.rule for r in decide(plab1(specialty)).reasons if r.rule.startswith("plab.context.ratio-")]
        assert len(fired) == 1, (specialty, fired)


@pytest.mark.parametrize("as_of, fires", [
    (date(2026, 3, 31), False),   # Royal Assent in March 2026, day not recorded: from the first certain day
    (date(2026, 4, 1), True),
    (date(2026, 4, 2), True),
])
def test_uk_graduates_first_rule_is_dated_and_said_as_medium(decide, as_of, fires):
    found = reason(decide(plab1("internal-medicine"), as_of), "plab.context.uk-graduates-first")
    assert (found is not None) is fires
    if fires:
        assert found.text.startswith("Medium confidence") and found.confidence == "medium"
        assert "weighs more" in found.text and "PLAB margin" in found.text
        assert found.effective == uk_context.PRIORITISATION_FROM


def test_uk_context_is_for_plab_not_english_tests_or_other_countries(decide):
    ielts = {"exam": "ielts-academic",
             "attempts": [{"date": "2026-05-01", "score": 7.5,
                           "parts": {"listening": 8, "reading": 7.5, "writing": 7, "speaking": 7.5}}],
             "target": {"country": "GB", "specialty": "internal-medicine"}}
    assert not [r for r in decide(ielts).reasons if r.rule.startswith(("plab.context.ratio", "plab.context.uk-graduates"))]
    abroad = plab1("internal-medicine")
    abroad["target"]["country"] = "IE"
    assert not [r for r in decide(abroad).reasons if r.rule.startswith(("plab.context.ratio", "plab.context.uk-"))]


def test_plab2_gets_the_same_context(decide):
    verdict = decide({"exam": "plab2", "attempts": [{"date": "2026-06-01", "result": "pass"}],
                      "target": {"country": "GB", "specialty": "general-surgery"}})
    assert reason(verdict, "plab.context.ratio-general-surgery") is not None
    assert reason(verdict, "plab.context.uk-graduates-first") is not None


def test_carms_2025_img_figures(decide):
    verdict = decide({"exam": "mccqe1", "attempts": [{"date": "2025-04-20", "score": 460}],
                      "target": {"country": "CA", "specialty": "family-medicine"}})
    found = reason(verdict, "mccqe.context.carms")
    assert "851 IMGs matched in the 2025 R-1 main match (671 in 2024, 555 in 2023)" in found.text
    assert "not a chance of success" in found.text and "carms.ca" in found.source
