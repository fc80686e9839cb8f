"""Example profiles shipped by plugins (the `retake_register_examples` hook): the built-ins ship theirs
from their package folders, names are claimed like exam ids, a broken example is reported by name and
never crashes, and `retake decide --example` / `retake exams` read them."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core import Assessment, Eligibility, ExamSpec, Example, Priority, Rule, Source, hookimpl
from core.rules import decision, fact
from core.scoring import first_pass, judge_attempts
from core.errors import ProfileError
from core.plugin_examples import DEFAULT, all_examples, default_example, find_example, title_of
from core.plugins import build_registry
from core.testing import check_plugin, registered_plugin
from days import AS_OF_TEXT
from frontends.cli import app

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(ROOT.glob("plugins/*/examples/*.yaml"))
TARGET = {"country": "US", "specialty": "internal-medicine"}


def test_retake_register_examples_built_ins_ship_their_files():
    registry = build_registry()
    shipped = {e.name: e for e in all_examples(registry)}
    assert sorted(shipped) == sorted(p.stem for p in FILES)
    for path in FILES:
        example = shipped[path.stem]
        assert example.plugin == path.parent.parent.name
        assert example.text == path.read_text(encoding="utf-8")
        assert example.title == title_of(example.text) and example.title.endswith(".")
        assert set(example.exams) <= {e.id for e in registry.exams.values() if e.plugin == example.plugin}
    assert default_example(registry).name == DEFAULT
    info = {p.name: p for p in registry.plugins}
    assert info["usmle"].examples == ["usmle-step2ck-low-pass"]


def test_retake_register_examples_one_copy_of_each_profile():
    # core/examples/ holds no profile of its own any more (it reads the plugins'), nor does examples/profiles/.
    assert not list((ROOT / "core" / "examples").glob("*.yaml"))
    assert not (ROOT / "examples" / "profiles").exists()


def test_retake_register_examples_ship_in_the_wheel(tmp_path: Path):
    subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)], cwd=ROOT,
                   check=True, capture_output=True)
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {str(p.relative_to(ROOT)) for p in FILES} <= names


PAGE = Source("Third X handbook (a test's placeholder)", "https://example.org/thirdx")
EXAM = ExamSpec(id="thirdx-exam", name="Third X", country="NZ", authority="Third X board", sources=(PAGE,),
                retake_after_pass="never", retake_after_pass_source=PAGE, scale=None, pass_mark=None,
                attempt_limit=None)


class _Plugin:
    """A small third-party plugin (a pass/fail-only exam, as in the guide) with the examples given."""

    def __init__(self, *examples: Example):
        self.examples = examples

    @hookimpl
    def retake_register_exams(self, register):
        register(EXAM)

    @hookimpl
    def retake_register_rules(self, register):
        register(Rule(id="thirdx.passed-final", title="A pass is final", when={"e": fact("eligibility", blocked_by="passed-final")},
                      then=[decision("not_allowed")], text="A pass cannot be sat again.", source=PAGE,
                      priority=Priority.POLICY))
        register(Rule(id="thirdx.must-pass", title="Not passed yet", when={"e": fact("eligibility", passed=False)},
                      then=[decision("retake_required")], text="Not passed yet.", source=PAGE, priority=Priority.POLICY))

    @hookimpl
    def retake_assess(self, exam, profile, as_of):
        judged = judge_attempts(exam, profile.attempts)
        if first_pass(judged) is not None:
            return Assessment(exam=exam, attempts=judged, eligibility=Eligibility(
                True, False, len(judged), None, blocked_by="passed-final"))
        return Assessment(exam=exam, attempts=judged, eligibility=Eligibility(
            False, True, len(judged), None, earliest_date=max(as_of, judged[-1].date + timedelta(days=1))))

    @hookimpl
    def retake_register_examples(self, register):
        for example in self.examples:
            register(example)


def _profile(**attempt) -> dict:
    return {"exam": "thirdx-exam", "attempts": [{"date": "2025-03-01", **attempt}],
            "target": {"country": "NZ", "specialty": "internal-medicine"}}


def test_retake_register_examples_a_built_in_name_is_refused():
    registry = build_registry()
    info = registry.add(_Plugin(Example(DEFAULT, "Taken.", _profile(result="pass"))), "thirdx")
    assert not info.ok and f"example name {DEFAULT!r} belongs to the built-in plugin 'usmle'" in info.error
    assert registry.examples[DEFAULT].plugin == "usmle"


def test_retake_register_examples_a_broken_one_is_named_never_a_crash():
    unparsable = Example("thirdx-unparsable", "Broken YAML.", text="exam: thirdx-exam\nattempts: [{date: \n")
    invalid = Example("thirdx-bad-date", "A sitting on no day.", text="exam: thirdx-exam\nattempts: [{date: soon}]\n")
    unjudged = Example("thirdx-scored", "A score for a pass/fail exam.", _profile(score=200))
    fine = Example("thirdx-pass", "A pass.", _profile(result="pass"))
    plugin = _Plugin(unparsable, invalid, unjudged, fine)
    registry = build_registry(entry_points=False)
    assert registry.add(plugin, "thirdx").ok  # examples are parsed when used: loading stays fast
    with pytest.raises(ProfileError, match="example thirdx-unparsable is not valid YAML"):
        find_example("thirdx-unparsable", registry).data()
    assert find_example("thirdx-unparsable", registry).exams == ()
    problems = check_plugin(plugin, "thirdx").problems
    assert len(problems) == 2, problems  # the third needs a verdict: judged once the static checks pass
    assert problems[0].startswith("example 'thirdx-unparsable' is not a valid profile: example thirdx-unparsable is not valid YAML")
    assert problems[1].startswith("example 'thirdx-bad-date' is not a valid profile: attempts[0].date")
    (problem,) = check_plugin(_Plugin(unjudged, fine), "thirdx").problems
    assert problem.startswith("example 'thirdx-scored' gives no verdict: attempts[0].score")
    assert check_plugin(_Plugin(fine), "thirdx").ok
    with registered_plugin(plugin, "thirdx"):
        for name, field in (("thirdx-bad-date", "attempts[0].date"), ("thirdx-unparsable", "not valid YAML"),
                            ("thirdx-scored", "attempts[0].score")):
            result = CliRunner().invoke(app, ["decide", "--example", name, "--as-of", AS_OF_TEXT])
            assert result.exit_code == 2 and field in result.output and "Traceback" not in result.output, result.output


def test_retake_register_examples_candidate_form():
    both = {"target": TARGET, "exams": {"thirdx-exam": {"attempts": [{"date": "2025-03-01", "result": "fail"}]},
                                        "usmle-step1": {"attempts": [{"date": "2024-03-01", "result": "pass"}]}}}
    plugin = _Plugin(Example("thirdx-with-step1", "Step 1 passed, then Third X.", both))
    assert check_plugin(plugin, "thirdx").ok  # judged beside the installed usmle plugin
    with registered_plugin(plugin, "thirdx"):
        result = CliRunner().invoke(app, ["decide", "--example", "thirdx-with-step1", "--as-of", AS_OF_TEXT, "--json"])
        assert result.exit_code == 0, result.output
        assert set(json.loads(result.stdout)["verdicts"]) == {"thirdx-exam", "usmle-step1"}


def test_decide_example_runs_the_plugin_example():
    runner = CliRunner()
    for example in all_examples():
        result = runner.invoke(app, ["decide", "--example", example.name, "--as-of", AS_OF_TEXT, "--json"])
        assert result.exit_code == 0, result.output
        body = json.loads(result.stdout)
        assert body["exam"] in example.exams


def test_decide_unknown_example_lists_every_name_with_its_plugin():
    result = CliRunner().invoke(app, ["decide", "--example", "nope", "--as-of", AS_OF_TEXT])
    assert result.exit_code == 2
    assert "no installed plugin ships an example named 'nope'" in result.output
    for example in all_examples():
        assert f"{example.name} ({example.plugin})" in result.output


def test_exams_show_each_exams_examples_with_the_plugin():
    runner = CliRunner()
    listed = {row["id"]: row for row in json.loads(runner.invoke(app, ["exams", "--json"]).stdout)}
    for example in all_examples():
        for exam in example.exams:
            assert {"name": example.name, "title": example.title, "plugin": example.plugin} in listed[exam]["examples"]
    assert listed["mccqe2"]["examples"] == []
    table = runner.invoke(app, ["exams"], env={"COLUMNS": "160"}).stdout
    assert "usmle-step2ck-low-pass (usmle)" in table


def test_retake_register_examples_the_amc_example_plugin(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(ROOT / "examples" / "amc-plugin"))
    import retake_amc

    report = check_plugin(retake_amc, "amc")
    assert report.ok, report.summary()
    assert sorted(e.name for e in report.examples) == ["amc-clinical-fail", "amc-mcq-pass"]
    assert any(o.target == "red_flag:prior-failure" for exam in report.exams for o in exam.overrides)
