"""The contract kit (core.testing): every installed plugin passes it, and it catches what it claims to.

The tests named after a hook (`test_retake_register_exams…`) are the ones the hook meta-test
(tests/core/test_hook_meta.py) looks for: each exercises that hook through a fake plugin.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

import core
from core import Assessment, Band, Dated, DatedValues, Eligibility, ExamSpec, Rule, Scale, Source, Specialty, hookimpl
from core.errors import PluginError
from core.scoring import band_for, first_pass, judge_attempts
from core.rules import decision, fact, gte, lt, note, ref, same
from core.testing import (
    DEFAULT_AS_OF, assert_plugin_contract, check_bands, check_dated_values, check_plugin, check_rules,
    installed_plugins, registered_plugin, sample_profiles,
)

SRC = Source("Fake authority: exam policy", "https://example.org/policy")


# --- every installed plugin passes the contract (built-ins and anything else installed) ----------

INSTALLED = installed_plugins(env={})


@pytest.mark.parametrize("name, plugin, error", INSTALLED, ids=[p[0] for p in INSTALLED])
def test_installed_plugin_passes_the_contract(name, plugin, error):
    assert error is None, f"plugin {name!r} failed to load: {error}"
    report = assert_plugin_contract(plugin, name)
    for (exam, passed, can_retake, blocked), decided in report.states.items():
        assert decided in ("retake", "do_not_retake", "not_allowed", "retake_required")


def test_the_three_built_ins_are_installed():
    assert {"usmle", "plab", "mccqe"} <= {name for name, _, _ in INSTALLED}


# --- a fake plugin, sound by default; each test breaks one thing --------------------------------

def fake_exam(**changes) -> ExamSpec:
    bands = (
        Band("low", "0-59", 0, 59, rank=1, fits_up_to=40, source=SRC, heuristic=True),
        Band("high", "60-100", 60, 100, rank=2, fits_up_to=80, source=SRC, heuristic=True),
    )
    spec = ExamSpec(
        id="fake-exam", name="Fake Exam", country="AU", authority="Fake Council", sources=(SRC,),
        retake_after_pass="never", retake_after_pass_source=SRC,
        scale=DatedValues.constant(Scale(0, 100), SRC, since=date(2000, 1, 1), name="fake scale"),
        pass_mark=DatedValues.of(Dated(50.0, date(2000, 1, 1), SRC), Dated(55.0, date(2024, 1, 1), SRC),
                                 name="fake pass mark"),
        attempt_limit=DatedValues.constant(3, SRC, name="fake attempt limit"),
        bands=DatedValues.constant(bands, SRC, name="fake bands"),
        big_gain=15, small_gain=5, gain_source=SRC,
    )
    return dataclasses.replace(spec, **changes)


PASSED_FINAL = Rule(
    id="fake.passed-final", title="A pass is final", text="A passed Fake Exam cannot be retaken.", source=SRC,
    when={"eligibility": fact("eligibility", plugin="fake", blocked_by="passed-final")},
    then=[decision("not_allowed")], priority=10,
)
EXHAUSTED = Rule(
    id="fake.attempts-exhausted", title="No attempts left", text="{eligibility.attempts_used} attempts used.",
    source=SRC, when={"eligibility": fact("eligibility", plugin="fake", blocked_by="attempts-exhausted")},
    then=[decision("not_allowed")], priority=10,
)


class FakePlugin:
    """A complete plugin as an object: one exam, two policy rules, one specialty."""

    def __init__(self, exam=None, rules=None, specialties=None, assess=None):
        self.exam = exam or fake_exam()
        self.rules = rules if rules is not None else [PASSED_FINAL, EXHAUSTED]
        self.specialties = specialties if specialties is not None else [
            Specialty("general-practice", "General Practice", 25, SRC, country="AU")]
        self._assess = assess

    @hookimpl
    def retake_register_exams(self, register):
        register(self.exam)

    @hookimpl
    def retake_register_rules(self, register):
        for rule in self.rules:
            register(rule)

    @hookimpl
    def retake_register_specialties(self, register):
        for specialty in self.specialties:
            register(specialty)

    @hookimpl
    def retake_assess(self, exam, profile, as_of):
        if self._assess is not None:
            return self._assess(exam, profile, as_of)
        judged = judge_attempts(exam, profile.attempts)
        limit = exam.attempt_limit.value_at(as_of)
        passing = first_pass(judged)
        used = len(judged)
        if passing is not None:
            eligibility = Eligibility(True, False, used, max(limit - used, 0), blocked_by="passed-final")
        elif used >= limit:
            eligibility = Eligibility(False, False, used, 0, blocked_by="attempts-exhausted")
        else:
            eligibility = Eligibility(False, True, used, limit - used, earliest_date=max(as_of, judged[-1].date.replace(year=judged[-1].date.year + 1)))
        scored = passing or judged[-1]
        return Assessment(exam=exam, attempts=judged, eligibility=eligibility, score=scored.score,
                          band=band_for(exam.bands_on(scored.date), scored.score),
                          predicted_band=band_for(exam.bands_on(as_of), profile.plan.predicted_score),
                          facts=[{"t": "fake.record", "attempts": used}])


def problems_of(plugin, **options):
    return check_plugin(plugin, "fake", **options).problems


def test_a_sound_fake_plugin_passes():
    report = assert_plugin_contract(FakePlugin(), "fake")
    reached = {(passed, can, blocked) for (_, passed, can, blocked) in report.states}
    assert reached == {(True, False, "passed-final"), (False, True, ""), (False, False, "attempts-exhausted")}


# --- hooks, each exercised (the meta-test looks for these names) -------------------------------

def test_retake_register_exams_is_checked_at_the_door():
    assert any("country" in p for p in problems_of(FakePlugin(exam=fake_exam(country="Australia"))))
    assert any("not an ExamSpec" in p for p in problems_of(FakePlugin(exam={"id": "fake-exam"})))
    with registered_plugin(FakePlugin(), "fake", entry_points=False) as pipeline:
        assert pipeline.registry.exams["fake-exam"].plugin == "fake"


def test_retake_register_rules_reaches_the_engine():
    extra = Rule(id="fake.note", title="A note", text="Noted.", source=SRC,
                 when={"record": fact("fake.record", gte("attempts", 1))}, then=[note("fake note")], priority=90)
    with registered_plugin(FakePlugin(rules=[PASSED_FINAL, EXHAUSTED, extra]), "fake", entry_points=False) as pipeline:
        verdict = pipeline.evaluate(_profile([60]), DEFAULT_AS_OF)
    assert "fake.note" in [r.rule for r in verdict.reasons]
    assert verdict.decision == "not_allowed"


def test_retake_register_specialties_apply_to_their_country():
    with registered_plugin(FakePlugin(), "fake", entry_points=False) as pipeline:
        assert "general-practice" in pipeline.registry.specialties("AU")
        assert "general-practice" not in pipeline.registry.specialties("US")
        verdict = pipeline.evaluate(_profile([60], specialty="general-practice"), DEFAULT_AS_OF)
    assert verdict.decision == "not_allowed"
    bad = Specialty("General Practice", "GP", 250, SRC, country="AUS")
    assert len([p for p in problems_of(FakePlugin(specialties=[bad]))]) >= 3


def test_retake_assess_must_return_an_assessment():
    problems = problems_of(FakePlugin(assess=lambda exam, profile, as_of: {"decision": "retake"}))
    assert any("not an Assessment" in p for p in problems)


def _profile(scores, specialty="internal-medicine"):
    days = ["2023-03-01", "2024-04-01", "2025-05-01", "2026-01-10"][-len(scores):]
    return {"exam": "fake-exam", "attempts": [{"date": d, "score": s} for d, s in zip(days, scores)],
            "target": {"country": "AU", "specialty": specialty}}


# --- each contract check catches its fault -----------------------------------------------------

def test_every_rule_needs_a_source():
    unsourced = dataclasses.replace(PASSED_FINAL, source=Source(""))
    assert any("source" in p for p in problems_of(FakePlugin(rules=[unsourced, EXHAUSTED])))


def test_every_dated_value_needs_a_source_and_unconfirmed_ones_say_why():
    marks = DatedValues.of(Dated(50.0, date(2000, 1, 1), Source("")), Dated(55.0, date(2024, 1, 1), SRC, "unconfirmed"))
    problems = problems_of(FakePlugin(exam=fake_exam(pass_mark=marks)))
    assert any("pass_mark value from 2000-01-01 has no source" in p for p in problems)
    assert any("unconfirmed; its note must" in p for p in problems)


def test_dated_values_leave_no_gap_between_scale_and_pass_mark():
    late = DatedValues.of(Dated(50.0, date(2010, 1, 1), SRC))
    assert any("sittings in between cannot be judged" in p for p in check_dated_values([fake_exam(pass_mark=late)]))
    off = DatedValues.of(Dated(50.0, date(2000, 1, 1), SRC), Dated(439.0, date(2025, 4, 1), SRC))
    assert any("off the scale" in p for p in check_dated_values([fake_exam(pass_mark=off)]))


def test_bands_cover_the_scale_without_overlaps_or_gaps():
    def with_bands(*bands):
        return fake_exam(bands=DatedValues.constant(tuple(bands), SRC))

    overlap = with_bands(Band("a", "a", 0, 60, 1, 40, SRC), Band("b", "b", 60, 100, 2, 80, SRC))
    gap = with_bands(Band("a", "a", 0, 50, 1, 40, SRC), Band("b", "b", 60, 100, 2, 80, SRC))
    short = with_bands(Band("a", "a", 10, 59, 1, 40, SRC), Band("b", "b", 60, 90, 2, 80, SRC))
    assert any("overlap" in p for p in check_bands([overlap]))
    assert any("no band covers 50-60" in p for p in check_bands([gap]))
    assert len([p for p in check_bands([short]) if "have no band" in p]) == 2
    assert check_bands([fake_exam()]) == []


def test_rules_must_name_known_facts_and_fields():
    typo = Rule(id="fake.typo", title="t", text="{case.exam_nme}", source=SRC,
                when={"eligibility": fact("eligibilty", blocked="x")}, then=[decision("not_allowed")])
    wrong_field = Rule(id="fake.field", title="t", text="x", source=SRC,
                       when={"t": fact("target"), "plan": fact("plan", lt("gain", same("big_gian")),
                                                               gte("months", ref("t", "demandz")))})
    problems = check_rules([typo, wrong_field], "fake")
    assert any("'eligibilty' is neither a core fact" in p for p in problems)
    assert any("quotes {case.exam_nme}" in p for p in problems)
    assert any("no field 'big_gian'" in p for p in problems)
    assert any("no field 'months'" in p for p in problems)
    assert any("ref('t', 'demandz')" in p for p in problems)
    assert any("ids start with the plugin's name" in p for p in check_rules([PASSED_FINAL], "other"))


def test_rules_must_compile_into_the_engine():
    broken = Rule(id="fake.broken", title="t", text="x", source=SRC, when={"case": {"$lt": "not a mapping"}})
    problems = problems_of(FakePlugin(rules=[PASSED_FINAL, EXHAUSTED, broken]))
    assert any("compile" in p or "names no fact type" in p for p in problems)


def test_every_blocked_state_needs_a_rule_deciding_not_allowed():
    problems = problems_of(FakePlugin(rules=[PASSED_FINAL]))  # nothing decides attempts-exhausted
    assert any("attempts-exhausted" in p and "must ship a rule" in p for p in problems)


def test_eligibility_must_be_deterministic_for_a_fixed_day():
    calls = []

    def flaky(exam, profile, as_of):
        calls.append(1)
        return Assessment(exam=exam, attempts=judge_attempts(exam, profile.attempts),
                          eligibility=Eligibility(False, True, len(profile.attempts), len(calls)))

    assert any("two different answers" in p for p in problems_of(FakePlugin(assess=flaky)))


def test_a_blocked_eligibility_must_say_why():
    def silent(exam, profile, as_of):
        return Assessment(exam=exam, attempts=judge_attempts(exam, profile.attempts),
                          eligibility=Eligibility(True, False, 1, 0))

    assert any("blocked_by must name why" in p for p in problems_of(FakePlugin(assess=silent)))


def test_given_profiles_must_give_a_verdict():
    bad = {"exam": "fake-exam", "attempts": [{"date": "2025-01-01", "score": 500}],
           "target": {"country": "AU", "specialty": "internal-medicine"}}
    assert any("profiles[0]: the profile was rejected" in p for p in problems_of(FakePlugin(), profiles=[bad]))


def test_sample_profiles_cover_the_usual_states():
    names = [s.name for s in sample_profiles(fake_exam(), DEFAULT_AS_OF, "internal-medicine")]
    assert names == ["first-attempt-pass", "one-fail", "fail-then-pass", "pass-with-strong-prediction",
                     "attempts-exhausted"]


# --- registered_plugin: the datasette habit ------------------------------------------------------

def test_registered_plugin_is_gone_after_the_block():
    plugin = FakePlugin()
    with registered_plugin(plugin, "fake") as pipeline:
        assert core.pipeline.default_pipeline() is pipeline
        assert core.evaluate(_profile([60]), DEFAULT_AS_OF).exam == "fake-exam"
        assert {"usmle", "fake"} <= set(pipeline.registry.plugin_versions())
    assert not pipeline.registry.pm.is_registered(plugin)
    assert "fake-exam" not in core.pipeline.default_pipeline().registry.exams


def test_registered_plugin_is_unregistered_even_when_the_test_fails():
    plugin = FakePlugin()
    with pytest.raises(RuntimeError):
        with registered_plugin(plugin, "fake") as pipeline:
            raise RuntimeError("the test failed")
    assert not pipeline.registry.pm.is_registered(plugin)
    assert "fake-exam" not in core.pipeline.default_pipeline().registry.exams


def test_registered_plugin_replaces_an_installed_plugin_of_the_same_name():
    import plugins.usmle

    with registered_plugin(plugins.usmle, "usmle") as pipeline:
        origins = {p.name: p.origin for p in pipeline.registry.plugins}
    assert origins["usmle"] == "registered in code"


def test_registered_plugin_is_strict():
    with pytest.raises(PluginError):
        with registered_plugin(FakePlugin(exam=fake_exam(id="Not An Id")), "fake", entry_points=False):
            pass


def test_rules_must_name_real_fields_of_the_plugins_own_facts():
    typo = Rule(id="fake.typo", title="t", text="{fake_record.attemps} attempts", source=SRC,
                when={"record": fact("fake.record", gte("attemps", 1))})
    problems = problems_of(FakePlugin(rules=[PASSED_FINAL, EXHAUSTED, typo]))
    assert any("fact 'fake.record' has no field 'attemps'" in p for p in problems)
    assert any("quotes {fake_record.attemps}" in p for p in problems)


def test_an_undecided_blocked_state_comes_with_a_fix():
    problems = problems_of(FakePlugin(rules=[PASSED_FINAL]))
    assert any("Fix: register Rule(id='fake.attempts-exhausted'" in p and "decision('not_allowed')" in p
               for p in problems)
