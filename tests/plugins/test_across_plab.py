"""PLAB rules across exams, as data: English on the PLAB 1 date, the PLAB 1 -> PLAB 2 -> registration windows."""

from __future__ import annotations

from datetime import date

import pytest

from core.candidate_verdict import evaluate_candidate

IELTS_PASS = {"score": 7.5, "parts": {"listening": 8, "reading": 7.5, "writing": 7, "speaking": 7.5}}


def _candidate(ielts_date: str | None, plab1_date: str, plab2: list[dict] | None = None) -> dict:
    exams: dict = {}
    if ielts_date is not None:
        exams["ielts-academic"] = {"attempts": [{"date": ielts_date, **IELTS_PASS}]}
    exams["plab1"] = {"attempts": [{"date": plab1_date, "score": 131, "pass_mark": 120}]}
    exams["plab2"] = {"attempts": plab2 or []}
    return {"target": {"country": "GB", "specialty": "internal-medicine"}, "exams": exams}


def _rules(verdict) -> list[str]:
    return [r.rule for r in verdict.reasons]


@pytest.mark.parametrize(("ielts", "valid"), [
    ("2023-03-10", False),  # exactly two years old on the PLAB 1 date: refused
    ("2023-03-11", True),   # a day younger: fine
    ("2024-02-29", True),
])
def test_english_must_be_under_two_years_old_on_the_plab1_date(ielts, valid):
    # Read on the PLAB 1 date itself, so that a result valid then has not lapsed since.
    plab1 = evaluate_candidate(_candidate(ielts, "2025-03-10"), date(2025, 3, 10)).verdicts["plab1"]
    fired = "plab.english-valid-on-plab1-date" if valid else "plab.english-not-valid-on-plab1-date"
    other = "plab.english-not-valid-on-plab1-date" if valid else "plab.english-valid-on-plab1-date"
    assert fired in _rules(plab1) and other not in _rules(plab1)
    reason = next(r for r in plab1.reasons if r.rule == fired)
    assert reason.source.startswith("https://www.gmc-uk.org")
    flags = [f.id for f in plab1.red_flags]
    assert ("plab-english-on-plab1" in flags) is (not valid)
    if not valid:
        assert "refused as evidence" in reason.text and "2023-03-10" in reason.text


def test_an_english_result_taken_after_the_plab1_date_does_not_count_for_it():
    plab1 = evaluate_candidate(_candidate("2025-04-01", "2025-03-10"), date(2025, 6, 1)).verdicts["plab1"]
    reason = next(r for r in plab1.reasons if r.rule == "plab.english-not-valid-on-plab1-date")
    assert "no IELTS Academic result from before your PLAB 1 sitting" in reason.text


def test_without_an_english_exam_listed_nothing_is_said():
    plab1 = evaluate_candidate(_candidate(None, "2025-03-10"), date(2025, 6, 1)).verdicts["plab1"]
    assert not any("english-" in rule and "plab1-date" in rule for rule in _rules(plab1))


@pytest.mark.parametrize(("plab1", "last_day", "regime"), [
    ("2021-06-01", "2024-05-31", "three years"),    # a pass under the extension: three years
    ("2022-06-01", "2025-03-30", "cut short"),      # the extension ended on 2025-03-31
    ("2023-06-01", "2025-05-31", "two years"),      # from then: two years
    ("2025-03-31", "2027-03-30", "two years"),
])
def test_the_plab2_deadline_follows_the_plab1_test_date(plab1, last_day, regime):
    as_of = date.fromisoformat(plab1).replace(day=20) if plab1[8:] != "31" else date(2025, 4, 20)
    result = evaluate_candidate(_candidate(None, plab1, [{"date": str(as_of.replace(day=15)), "result": "fail"}]),
                                as_of)
    plab2 = result.verdicts["plab2"]
    assert [(d.id, d.date.isoformat()) for d in plab2.eligibility.deadlines] == [("plab2-window", last_day)]
    reason = next(r for r in plab2.reasons if r.rule == "plab.plab2-within-plab1-window")
    assert regime in reason.text and last_day in reason.text
    deadlines = [e for e in result.timeline if e.kind == "deadline" and e.rule == "plab.plab2-window"]
    assert [(e.exam, e.date.isoformat()) for e in deadlines] == [("plab2", last_day)]  # once, not per exam


def test_registration_within_two_years_of_plab2_and_a_late_plab2_pass():
    data = _candidate(None, "2023-06-01", [{"date": "2025-07-01", "result": "pass"}])
    result = evaluate_candidate(data, date(2025, 8, 1))
    plab2 = result.verdicts["plab2"]
    assert "plab.plab2-passed-after-window" in _rules(plab2)  # the window closed on 2025-05-31
    registration = [e for e in result.timeline if e.rule == "plab.registration-window"]
    assert [(e.kind, e.date.isoformat()) for e in registration] == [("window_opens", "2025-07-01"),
                                                                     ("deadline", "2027-06-30")]


FOUR_PLAB2_FAILS = [{"date": d, "result": "fail"} for d in ("2024-01-10", "2024-05-10", "2024-09-10", "2025-01-10")]


@pytest.mark.parametrize(("plab1_date", "as_of", "rule"), [
    ("2023-06-01", date(2026, 11, 25), "plab.additional-plab2-needs-plab1-again"),      # window closed long ago
    ("2025-06-01", date(2027, 5, 31), "plab.additional-plab2-within-plab1-window"),    # last day of the window
    ("2025-06-01", date(2027, 6, 1), "plab.additional-plab2-needs-plab1-again"),       # the day after
])
def test_additional_plab2_attempt_and_the_plab1_window(plab1_date, as_of, rule):
    verdict = evaluate_candidate(_candidate(None, plab1_date, FOUR_PLAB2_FAILS), as_of).verdicts["plab2"]
    fired = _rules(verdict)
    other = ({"plab.additional-plab2-needs-plab1-again", "plab.additional-plab2-within-plab1-window"} - {rule}).pop()
    assert rule in fired and other not in fired
    reason = next(r for r in verdict.reasons if r.rule == rule)
    assert plab1_date in reason.text and "gmc-uk.org" in reason.source
    if rule.endswith("again"):
        assert "plab-plab1-again" in [a.id for a in verdict.actions]


def test_no_additional_attempt_rule_before_the_fourth_fail():
    verdict = evaluate_candidate(_candidate(None, "2023-06-01", FOUR_PLAB2_FAILS[:2]), date(2026, 11, 25)).verdicts["plab2"]
    assert not [r for r in _rules(verdict) if r.startswith("plab.additional-plab2")]


@pytest.mark.parametrize(("ielts", "as_of", "rule"), [
    # PLAB 2 passed 2026-06-01: registration window to 2028-05-31. IELTS valid two years less a day.
    ("2026-06-01", date(2026, 11, 25), "plab.english-at-registration-covers"),    # valid to 2028-05-31: the last day
    ("2026-05-31", date(2026, 11, 25), "plab.english-at-registration-earlier"),   # valid to 2028-05-30: a day short
    ("2024-11-26", date(2026, 11, 25), "plab.english-at-registration-earlier"),   # last valid day is today
    ("2024-11-25", date(2026, 11, 25), "plab.english-at-registration-none"),      # lapsed yesterday
])
def test_english_must_be_valid_on_the_registration_day(ielts, as_of, rule):
    candidate = _candidate(ielts, "2025-09-01", [{"date": "2026-06-01", "result": "pass"}])
    verdict = evaluate_candidate(candidate, as_of).verdicts["plab2"]
    fired = [r for r in _rules(verdict) if r.startswith("plab.english-at-registration")]
    assert fired == [rule]
    reason = next(r for r in verdict.reasons if r.rule == rule)
    assert "gmc-uk.org" in reason.source and "registration" in reason.text
    if rule.endswith("none"):
        assert "plab-english-for-registration" in [f.id for f in verdict.red_flags]


def test_no_registration_english_rule_without_an_english_test_or_a_plab2_pass():
    assert not [r for r in _rules(evaluate_candidate(_candidate(None, "2025-09-01", [{"date": "2026-06-01", "result": "pass"}]),
                                                     date(2026, 11, 25)).verdicts["plab2"])
                if r.startswith("plab.english-at-registration")]
    still_to_sit = evaluate_candidate(_candidate("2026-05-01", "2025-09-01", []), date(2026, 11, 25)).verdicts.get("plab2")
    assert still_to_sit is None or not [r for r in _rules(still_to_sit) if r.startswith("plab.english-at-registration")]


def test_a_lapsed_english_pass_shows_when_it_stopped_counting_on_the_timeline():
    # IELTS of 2024-11-02: last valid day 2026-11-01, so on 2026-11-25 it has lapsed. The timeline
    # keeps that (past) validity end: it is why the result cannot be used any more.
    result = evaluate_candidate(_candidate("2024-11-02", "2025-03-10"), date(2026, 11, 25))
    ends = [e for e in result.timeline if e.kind == "validity_end" and e.exam == "ielts-academic"]
    assert [(e.date, e.rule) for e in ends] == [(date(2026, 11, 1), "plab.english-validity")]
    assert ends[0].days_left == -24 and "it has lapsed" in ends[0].text
    ielts = result.verdicts["ielts-academic"]
    assert ielts.decision == "retake_required" and ielts.eligibility.deadline is None  # nothing upcoming


def test_a_current_english_pass_has_one_validity_end_ahead():
    result = evaluate_candidate(_candidate("2026-01-10", "2026-03-10"), date(2026, 11, 25))
    ends = [e for e in result.timeline if e.kind == "validity_end" and e.exam == "ielts-academic"]
    assert [e.date for e in ends] == [date(2028, 1, 9)] and ends[0].days_left > 0


# --- the English sittings are judged once per candidate, and read on every day asked about -------

IELTS_SHORT = {"score": 6.5, "parts": {"listening": 7, "reading": 6.5, "writing": 6, "speaking": 6.5}}


def test_the_english_sittings_are_judged_once_for_the_whole_candidate(monkeypatch):
    from plugins.plab import english

    calls: list[str] = []
    real = english.judge_sittings
    monkeypatch.setattr(english, "judge_sittings", lambda exam, profile: calls.append(exam.id) or real(exam, profile))
    # A passed PLAB 2, so the English result is read three times: its own verdict, the PLAB 1 date
    # and the registration day.
    profile = _candidate("2024-11-02", "2025-01-10", [{"date": "2025-06-01", "result": "pass"}])
    result = evaluate_candidate(profile, date(2025, 7, 1))
    assert calls == ["ielts-academic"]
    plab2 = _rules(result.verdicts["plab2"])
    assert any(rule.startswith("plab.english-") and "registration" in rule for rule in plab2), plab2
    assert "plab.english-valid-on-plab1-date" in _rules(result.verdicts["plab1"])


def test_a_later_weaker_sitting_before_the_plab1_date_replaces_the_pass_for_it():
    # The GMC reads the most recent sitting: the 6.5 of 2024-12-01 is what counts on the PLAB 1 date,
    # although the 7.5 of 2024-06-01 would still have been valid.
    profile = _candidate(None, "2025-01-10")
    profile["exams"] = {"ielts-academic": {"attempts": [{"date": "2024-06-01", **IELTS_PASS},
                                                         {"date": "2024-12-01", **IELTS_SHORT}]},
                        **profile["exams"]}
    plab1 = evaluate_candidate(profile, date(2025, 2, 1)).verdicts["plab1"]
    reason = next(r for r in plab1.reasons if r.rule == "plab.english-not-valid-on-plab1-date")
    assert "2024-12-01, the most recent before that date, does not meet" in reason.text
    assert "2024-06-01" not in reason.text  # the earlier pass is not what the GMC reads


def test_a_sitting_after_the_plab1_date_does_not_hide_the_one_before_it():
    profile = _candidate(None, "2025-01-10")
    profile["exams"] = {"ielts-academic": {"attempts": [{"date": "2024-06-01", **IELTS_PASS},
                                                         {"date": "2025-02-01", **IELTS_SHORT}]},
                        **profile["exams"]}
    plab1 = evaluate_candidate(profile, date(2025, 3, 1)).verdicts["plab1"]
    assert "plab.english-valid-on-plab1-date" in _rules(plab1)


@pytest.mark.parametrize(("day", "counts"), [
    (date(2026, 2, 27), True),   # a 2024-02-28 result: the day before the second anniversary is the last
    (date(2026, 2, 28), False),
])
def test_the_standing_on_a_day_counts_two_years_with_the_test_date_as_day_one(day, counts):
    from core.profile import parse_profile
    from plugins.plab import english
    from plugins.plab.across import _spec

    profile = parse_profile({"exam": "ielts-academic", "attempts": [{"date": "2024-02-28", **IELTS_PASS}],
                             "target": {"country": "GB", "specialty": "internal-medicine"}})
    sittings = english.judge_sittings(_spec("ielts-academic"), profile)
    standing = english.standing_on(sittings.up_to(day), day)
    assert (standing.counted is not None) is counts
    assert (standing.expired_pass is not None) is (not counts)
    assert english.standing_on(sittings.up_to(date(2024, 2, 27)), date(2024, 2, 27)) is None


@pytest.mark.parametrize(("as_of", "rule"), [
    (date(2026, 11, 1), "plab.english-valid-on-plab1-date"),               # its last valid day: still counts
    (date(2026, 11, 2), "plab.english-valid-on-plab1-date-lapsed-since"),  # a day later it has lapsed
])
def test_the_english_result_that_counted_for_plab1_is_not_called_valid_after_it_lapsed(as_of, rule):
    plab1 = evaluate_candidate(_candidate("2024-11-02", "2025-03-10"), as_of).verdicts["plab1"]
    fired = _rules(plab1)
    assert rule in fired and ("plab.english-valid-on-plab1-date" in fired) is (rule == "plab.english-valid-on-plab1-date")
    text = next(r.text for r in plab1.reasons if r.rule == rule)
    assert "2026-11-01" in text
    assert ("has lapsed since" in text) is rule.endswith("lapsed-since")
