"""retake_assess goes through pluggy: only the owning plugin answers, and 0.1 signatures still work."""

from __future__ import annotations

import dataclasses

import pytest

from core import hookimpl
from core.candidate import parse_candidate
from core.errors import PluginError
from core.exams import Assessment, Eligibility
from core.plugins import build_registry
from plugins.usmle import policy as usmle_policy

from days import AS_OF  # the one fixed day (tests/days.py)
STEP2 = next(e for e in usmle_policy.EXAMS if e.id == "usmle-step2ck")


def _assessment(exam, note: str) -> Assessment:
    return Assessment(exam=exam, attempts=[], eligibility=Eligibility(passed=False, can_retake=True, attempts_used=0,
                                                                      attempts_left=None), notes=[note])


class OldSignature:
    """A third-party plugin written for 0.1: no `candidate` argument."""

    def __init__(self):
        self.calls = []

    @hookimpl
    def retake_register_exams(self, register):
        register(dataclasses.replace(STEP2, id="old-exam"))

    @hookimpl
    def retake_assess(self, exam, profile, as_of):
        self.calls.append((exam.id, profile.exam, as_of))
        return _assessment(exam, "old")


class NewSignature:
    """A 0.2 plugin that reads the candidate's other exams."""

    def __init__(self):
        self.seen = []

    @hookimpl
    def retake_register_exams(self, register):
        register(dataclasses.replace(STEP2, id="new-exam"))

    @hookimpl
    def retake_assess(self, exam, profile, as_of, candidate):
        self.seen.append(sorted(candidate.exams))
        return _assessment(exam, f"other exams: {len(candidate.attempts_at('old-exam'))} old-exam sittings")


class Bystander:
    """Answers every retake_assess call (wrongly): it must never be consulted for exams it does not own."""

    def __init__(self):
        self.calls = 0

    @hookimpl
    def retake_assess(self, exam, profile, as_of, candidate):
        self.calls += 1
        return "not an assessment"


@pytest.fixture
def plugins():
    old, new, bystander = OldSignature(), NewSignature(), Bystander()
    registry = build_registry(extra=[("aaa-bystander", bystander), ("old", old), ("new", new)], entry_points=False)
    assert not registry.load_errors
    return registry, old, new, bystander


def _candidate():
    attempt = {"date": "2025-09-14", "score": 221}
    return parse_candidate({"target": {"country": "US", "specialty": "internal-medicine"},
                            "exams": {"old-exam": {"attempts": [attempt, {"date": "2025-12-01", "score": 225}]},
                                      "new-exam": {"attempts": [attempt]}}})


def test_an_old_signature_plugin_is_called_without_the_candidate(plugins):
    registry, old, _, bystander = plugins
    candidate = _candidate()
    result = registry.assess(registry.exam("old-exam"), candidate.profile("old-exam"), AS_OF, candidate)
    assert result.notes == ["old"]
    assert old.calls == [("old-exam", "old-exam", AS_OF)]
    assert bystander.calls == 0  # registered first, yet never asked: only the owner answers


def test_a_new_signature_plugin_reads_the_other_exams(plugins):
    registry, _, new, bystander = plugins
    candidate = _candidate()
    result = registry.assess(registry.exam("new-exam"), candidate.profile("new-exam"), AS_OF, candidate)
    assert result.notes == ["other exams: 2 old-exam sittings"]
    assert new.seen == [["new-exam", "old-exam"]]
    assert bystander.calls == 0


def test_without_a_candidate_the_profile_stands_for_a_one_exam_candidate(plugins):
    registry, _, new, _ = plugins
    profile = _candidate().profile("new-exam")
    registry.assess(registry.exam("new-exam"), profile, AS_OF)
    assert new.seen == [["new-exam"]]


def test_a_plugin_registered_later_is_called_for_its_own_exam(plugins):
    registry, old, _, _ = plugins
    candidate = _candidate()
    registry.assess(registry.exam("old-exam"), candidate.profile("old-exam"), AS_OF, candidate)  # caches a caller

    class Late(OldSignature):
        @hookimpl
        def retake_register_exams(self, register):
            register(dataclasses.replace(STEP2, id="late-exam"))

    late = Late()
    registry.add(late, "late")
    profile = candidate.profile("old-exam").model_copy(update={"exam": "late-exam"})
    registry.assess(registry.exam("late-exam"), profile, AS_OF, candidate)
    registry.assess(registry.exam("old-exam"), candidate.profile("old-exam"), AS_OF, candidate)
    assert late.calls == [("late-exam", "late-exam", AS_OF)]
    assert len(old.calls) == 2  # the cached caller was rebuilt and still reaches only its owner


def test_a_hookimpl_with_an_unknown_argument_is_reported_by_name():
    class Misnamed:
        @hookimpl
        def retake_assess(self, exam, profile, as_of, person):
            return None

    registry = build_registry(extra=[("misnamed", Misnamed())], entry_points=False)
    (failed,) = registry.load_errors
    assert failed.name == "misnamed" and "person" in failed.error


def test_a_wrong_answer_names_the_owning_plugin(plugins):
    registry, _, _, _ = plugins

    class Wrong(OldSignature):
        @hookimpl
        def retake_register_exams(self, register):
            register(dataclasses.replace(STEP2, id="wrong-exam"))

        @hookimpl
        def retake_assess(self, exam, profile, as_of):
            return 42

    registry.add(Wrong(), "wrong")
    profile = _candidate().profile("old-exam").model_copy(update={"exam": "wrong-exam"})
    with pytest.raises(PluginError, match="'wrong'.*returned int"):
        registry.assess(registry.exam("wrong-exam"), profile, AS_OF)
