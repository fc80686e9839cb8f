"""Recheck after a rules change: a test plugin whose pass mark rises on a date, saved cases re-judged.

The plugin is registered the way plugin tests do it (core.testing.registered_plugin). Version 1
has one pass mark; version 2 is the authority's announcement: from 2026-07-01 the pass mark is 55.
Cases whose sitting falls after that day with a score of 50-54 no longer pass: exactly those flip.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pytest

from core import Assessment, Band, Dated, DatedValues, Deadline, Eligibility, ExamSpec, Rule, Scale, Source, Specialty, hookimpl
from core.cases import add_case, diff_verdicts, open_store, recheck
from core.scoring import band_for, first_pass, judge_attempts
from core.rules import decision, fact
from core.testing import registered_plugin
from days import AS_OF  # the one fixed day (tests/days.py)

SRC = Source("Ratchet Council: exam policy", "https://example.org/ratchet")
CHANGE_DAY = date(2026, 7, 1)

PASSED_FINAL = Rule(
    id="ratchet.passed-final", title="A pass is final", text="A passed Ratchet Exam cannot be retaken.",
    source=SRC, when={"eligibility": fact("eligibility", plugin="ratchet", blocked_by="passed-final")},
    then=[decision("not_allowed")], priority=10,
)
EXHAUSTED = Rule(
    id="ratchet.attempts-exhausted", title="No attempts left", text="{eligibility.attempts_used} attempts used.",
    source=SRC, when={"eligibility": fact("eligibility", plugin="ratchet", blocked_by="attempts-exhausted")},
    then=[decision("not_allowed")], priority=10,
)


def ratchet_exam(pass_marks: tuple[Dated, ...]) -> ExamSpec:
    bands = (Band("low", "0-59", 0, 59, rank=1, fits_up_to=40, source=SRC, heuristic=True),
             Band("high", "60-100", 60, 100, rank=2, fits_up_to=80, source=SRC, heuristic=True))
    return ExamSpec(
        id="ratchet-exam", name="Ratchet Exam", country="AU", authority="Ratchet Council", sources=(SRC,),
        retake_after_pass="never", retake_after_pass_source=SRC,
        scale=DatedValues.constant(Scale(0, 100), SRC, since=date(2000, 1, 1), name="ratchet scale"),
        pass_mark=DatedValues.of(*pass_marks, name="ratchet pass mark"),
        attempt_limit=DatedValues.constant(3, SRC, name="ratchet attempt limit"),
        bands=DatedValues.constant(bands, SRC, name="ratchet bands"),
        big_gain=15, small_gain=5, gain_source=SRC,
    )


class RatchetPlugin:
    """One exam; `raised=True` is version 2, whose pass mark goes from 50 to 55 on CHANGE_DAY."""

    def __init__(self, raised: bool):
        marks = [Dated(50.0, date(2000, 1, 1), SRC)]
        if raised:
            marks.append(Dated(55.0, CHANGE_DAY, SRC))
        self.exam = ratchet_exam(tuple(marks))

    @hookimpl
    def retake_register_exams(self, register):
        register(self.exam)

    @hookimpl
    def retake_register_rules(self, register):
        register(PASSED_FINAL)
        register(EXHAUSTED)

    @hookimpl
    def retake_register_specialties(self, register):
        register(Specialty("general-practice", "General Practice", 25, SRC, country="AU"))

    @hookimpl
    def retake_assess(self, exam, profile, as_of):
        judged = judge_attempts(exam, profile.attempts)
        limit = exam.attempt_limit.value_at(as_of)
        passing = first_pass(judged)
        used = len(judged)
        last = judged[-1].date
        if passing is not None:
            eligibility = Eligibility(True, False, used, max(limit - used, 0), blocked_by="passed-final")
        elif used >= limit:
            eligibility = Eligibility(False, False, used, 0, blocked_by="attempts-exhausted")
        else:
            eligibility = Eligibility(False, True, used, limit - used, earliest_date=max(as_of, last + timedelta(days=90)),
                                      deadlines=[Deadline("ratchet-window", last + timedelta(days=730),
                                                          "Last day of the two-year window.", SRC)])
        scored = passing or judged[-1]
        return Assessment(exam=exam, attempts=judged, eligibility=eligibility, score=scored.score,
                          band=band_for(exam.bands_on(scored.date), scored.score),
                          predicted_band=band_for(exam.bands_on(as_of), profile.plan.predicted_score))


def profile(day: str, score: float) -> dict:
    return {"exam": "ratchet-exam", "attempts": [{"date": day, "score": score}],
            "target": {"country": "AU", "specialty": "general-practice"}}


CASES = {
    "flips": profile("2026-08-03", 52),          # after the change, 50-54: passed under v1, failed under v2
    "flips-too": profile("2026-07-01", 54),      # on the change day itself: the new mark applies
    "high-after": profile("2026-08-03", 60),     # passes either way
    "before-change": profile("2026-06-30", 52),  # the day before: judged by the old mark
    "failed-anyway": profile("2026-08-03", 40),  # fails either way
}


def test_recheck_lists_exactly_the_cases_that_flipped_and_names_the_rule(tmp_path: Path):
    with open_store(tmp_path / "cases.db") as store:
        with registered_plugin(RatchetPlugin(raised=False), "ratchet", entry_points=False) as v1:
            for name, data in CASES.items():
                add_case(store, name, data, AS_OF, v1)
            unchanged = recheck(store, AS_OF, v1)
            assert unchanged.changed == [] and unchanged.filed == 0
        with registered_plugin(RatchetPlugin(raised=True), "ratchet", entry_points=False) as v2:
            report = recheck(store, AS_OF, v2)

        assert sorted(c.name for c in report.changed) == ["flips", "flips-too"]
        for case in report.changed:
            by_field = {c.field: c for c in case.changes}
            assert (by_field["decision"].before, by_field["decision"].after) == ("not_allowed", "retake_required")
            assert "ratchet.passed-final" in by_field["decision"].rules  # the rule that no longer decides
            assert by_field["outcome"].after is None  # not passed: no flowchart end
            assert by_field["earliest_date"].after == "2026-11-25"  # 90 days after 2026-08-03 is before as_of
            assert by_field["deadline"].item == "ratchet-window" and by_field["deadline"].before is None
            assert "ratchet.passed-final" in case.rules
        # The raised pass mark moved rules_version, so every case's new verdict joined its history
        # (unchanged ones too: the history shows they were re-judged under the new rules).
        assert report.rules_version != unchanged.rules_version
        assert report.filed == len(CASES)
        assert [v.decision for v in store.history("flips")] == ["not_allowed", "retake_required"]
        assert [v.decision for v in store.history("high-after")] == ["not_allowed", "not_allowed"]
        with registered_plugin(RatchetPlugin(raised=True), "ratchet", entry_points=False) as v2:
            assert recheck(store, AS_OF, v2).changed == []


def test_recheck_without_saving_leaves_the_history_alone(tmp_path: Path):
    with open_store(tmp_path / "cases.db") as store:
        with registered_plugin(RatchetPlugin(raised=False), "ratchet", entry_points=False) as v1:
            add_case(store, "flips", CASES["flips"], AS_OF, v1)
        with registered_plugin(RatchetPlugin(raised=True), "ratchet", entry_points=False) as v2:
            assert [c.name for c in recheck(store, AS_OF, v2, save=False).changed] == ["flips"]
            assert [c.name for c in recheck(store, AS_OF, v2, save=False).changed] == ["flips"]
        assert store.counts() == (1, 1)


def test_a_case_whose_exam_is_gone_is_reported_not_fatal(tmp_path: Path):
    with open_store(tmp_path / "cases.db") as store:
        with registered_plugin(RatchetPlugin(raised=False), "ratchet", entry_points=False) as v1:
            add_case(store, "orphan", CASES["high-after"], AS_OF, v1)
        from core.pipeline import default_pipeline

        report = recheck(store, AS_OF, default_pipeline())  # the ratchet plugin is not installed
        (case,) = report.changed
        assert "no longer validates" in case.error and "exam" in case.error
        assert store.counts() == (1, 1)


def test_the_day_alone_can_change_a_verdict(tmp_path: Path):
    # Same rules, a later day: the PLAB 1 pass lapses, so its final pass becomes a retake required.
    from core import examples
    from core.pipeline import default_pipeline

    with open_store(tmp_path / "cases.db") as store:
        add_case(store, "plab", examples.load("plab1-borderline"), AS_OF)
        report = recheck(store, date(2028, 6, 1), default_pipeline())
    (case,) = report.changed
    assert case.before_rules_version == case.after_rules_version
    decision_change = next(c for c in case.changes if c.field == "decision")
    assert "plab.passed-part-final" in decision_change.rules
    assert any(c.field == "reason" and c.item == "plab.plab1-pass-lapsed" and c.after for c in case.changes)


# --- the diff as data ----------------------------------------------------------------------------

def _verdict(decision_value="retake", earliest=None, deadlines=(), reasons=()):
    return {"exam": "x", "as_of": "2026-01-01", "decision": decision_value, "outcome": None,
            "eligibility": {"earliest_date": earliest, "deadlines": [{"id": i, "date": d, "days_left": 3}
                                                                      for i, d in deadlines]},
            "reasons": [{"rule": r} for r in reasons], "rules_version": "v"}


def test_days_left_and_texts_alone_are_no_change():
    old = _verdict(deadlines=[("w", "2027-01-01")], reasons=["a"])
    new = _verdict(deadlines=[("w", "2027-01-01")], reasons=["a"])
    new["eligibility"]["deadlines"][0]["days_left"] = 1
    new["eligibility"]["deadlines"][0]["text"] = "other words"
    assert diff_verdicts(old, new) == []


def test_deadlines_new_gone_and_moved():
    old = _verdict(deadlines=[("kept", "2027-01-01"), ("moved", "2027-02-01"), ("gone", "2027-03-01")])
    new = _verdict(deadlines=[("kept", "2027-01-01"), ("moved", "2027-02-28"), ("new", "2027-04-01")])
    found = {(c.item, c.before, c.after) for c in diff_verdicts(old, new) if c.field == "deadline"}
    assert found == {("moved", "2027-02-01", "2027-02-28"), ("gone", "2027-03-01", None), ("new", None, "2027-04-01")}


def test_multi_exam_verdicts_are_compared_exam_by_exam():
    old = {"as_of": "2026-01-01", "verdicts": {"plab1": _verdict("not_allowed"), "plab2": _verdict()},
           "rules_version": "v"}
    new = {"as_of": "2026-01-01", "verdicts": {"plab1": _verdict("retake_required"), "ielts": _verdict()},
           "rules_version": "v"}
    changes = {(c.exam, c.field, c.before, c.after) for c in diff_verdicts(old, new)}
    assert changes == {("plab1", "decision", "not_allowed", "retake_required"), ("plab2", "exam", "retake", None),
                       ("ielts", "exam", None, "retake")}


@pytest.mark.parametrize("field, before, after", [("decision", "retake", "not_allowed"),
                                                  ("earliest_date", None, "2027-01-01")])
def test_each_summary_field_is_compared(field, before, after):
    old = _verdict(**({"decision_value": before} if field == "decision" else {"earliest": before}))
    new = _verdict(**({"decision_value": after} if field == "decision" else {"earliest": after}))
    (change,) = diff_verdicts(old, new)
    assert (change.field, change.before, change.after) == (field, before, after)


def test_a_multi_exam_verdict_gives_per_exam_columns():
    from core.cases.verdict_records import record_of

    plab1 = _verdict("not_allowed", deadlines=[("plab2-window", "2027-03-09")])
    plab2 = _verdict("retake", earliest="2026-12-01", deadlines=[("registration", "2028-01-01"),
                                                                  ("past", "2025-01-01")])
    record = record_of({"as_of": "2026-01-01", "verdicts": {"plab1": plab1, "plab2": plab2},
                        "timeline": [], "rules_version": "v9"})
    assert record.decision == "plab1=not_allowed; plab2=retake"
    assert record.outcome is None and record.rules_version == "v9"
    assert record.earliest_date == "2026-12-01" and record.next_deadline == "2027-03-09"
    assert [d["exam"] for d in record.deadlines] == ["plab2", "plab1", "plab2"]


class TwoRatchetPlugin(RatchetPlugin):
    """The same Council's two exams (the second a copy under another id): a candidate sits both."""

    def __init__(self, raised: bool):
        super().__init__(raised)
        self.second = dataclasses.replace(self.exam, id="ratchet-two", name="Ratchet Exam Two")

    @hookimpl
    def retake_register_exams(self, register):
        register(self.exam)
        register(self.second)


def test_a_multi_exam_case_is_saved_and_rechecked_exam_by_exam(tmp_path: Path):
    """Issue 14 with issue 11's profiles: a candidate's case holds one verdict per exam, and a recheck
    names the exam that flipped and its rule (the other exam, unchanged, is not listed)."""
    candidate = {"target": {"country": "AU", "specialty": "general-practice"},
                 "exams": {"ratchet-exam": {"attempts": [{"date": "2026-08-03", "score": 52}]},
                           "ratchet-two": {"attempts": [{"date": "2026-08-03", "score": 70}]}}}
    with open_store(tmp_path / "cases.db") as store:
        with registered_plugin(TwoRatchetPlugin(raised=False), "ratchet", entry_points=False) as v1:
            case = add_case(store, "both", candidate, AS_OF, v1)
            assert set(store.history("both")[0].verdict["verdicts"]) == {"ratchet-exam", "ratchet-two"}
            assert store.history("both")[0].decision == "ratchet-exam=not_allowed; ratchet-two=not_allowed"
            assert case.name == "both"
        with registered_plugin(TwoRatchetPlugin(raised=True), "ratchet", entry_points=False) as v2:
            report = recheck(store, AS_OF, v2)
        (changed,) = report.changed
        decisions = [c for c in changed.changes if c.field == "decision"]
        assert [(c.exam, c.before, c.after) for c in decisions] == [("ratchet-exam", "not_allowed", "retake_required")]
        assert "ratchet.passed-final" in decisions[0].rules
        assert store.history("both")[-1].decision == "ratchet-exam=retake_required; ratchet-two=not_allowed"
