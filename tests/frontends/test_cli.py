"""The `retake` command line, driven through typer.testing.CliRunner: every command, every exit code.

Deterministic: every judging command gets --as-of.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import core.plugins
from core.plugin_examples import DEFAULT, find_example
from core.errors import EngineError, PluginError
from core.pipeline import Pipeline, default_pipeline
from core.plugins import PluginInfo, Registry
from frontends import cli
from frontends.cli import app

from days import AS_OF_TEXT as AS_OF  # tests/days.py
EXAMPLE = DEFAULT
QUICK = ["--exam", "usmle-step2ck", "--score", "221", "--date", "2025-09-14", "--specialty", "internal-medicine",
         "--country", "US"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def example_file(tmp_path: Path) -> Path:
    path = tmp_path / "profile.yaml"
    path.write_text(find_example(EXAMPLE).text, encoding="utf-8")
    return path


def _run(runner: CliRunner, *args: str, **kwargs):
    return runner.invoke(app, list(args), **kwargs)


def _json(result) -> object:
    """stdout must be exactly one JSON document (JSON purity)."""
    return json.loads(result.stdout)


def _no_traceback(result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# --- top level ---------------------------------------------------------------------------------

def test_help_lists_every_command(runner):
    result = _run(runner, "--help")
    assert result.exit_code == 0
    for command in ("decide", "batch", "exams", "specialties", "rules", "plugins", "dashboard", "new-plugin"):
        assert command in result.stdout
    assert "--install-completion" in result.stdout  # shell completion as Typer provides it


@pytest.mark.parametrize("command", ["decide", "batch", "exams", "specialties", "rules", "plugins", "dashboard",
                                     "new-plugin"])
def test_every_command_has_help(runner, command):
    result = _run(runner, command, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage" in result.stdout


def test_version(runner):
    from core import __version__

    result = _run(runner, "--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"retake {__version__}"


def test_no_arguments_shows_usage(runner):
    result = _run(runner)
    assert result.exit_code in (0, 2)
    assert "Usage" in result.output


def test_unknown_command_is_a_usage_error(runner):
    result = _run(runner, "decied")
    assert result.exit_code == 2
    _no_traceback(result)


# --- decide ------------------------------------------------------------------------------------

def test_decide_short_view_by_default_everything_with_full(runner, example_file):
    result = _run(runner, "decide", str(example_file), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "A retake is not allowed" in out  # the decision, at a glance
    assert "a passed Step cannot be sat again" in out  # the headline names the deciding fact
    assert "flowchart end C" in out and "build the rest of your application" in out
    assert "Eligibility" in out and "1 used" in out and "3 left" not in out  # no tries left beside "not allowed"
    assert "Earliest retake" in out and "Pass mark" in out and "218" in out
    assert "Path through the four questions" not in out
    assert "What to do" in out
    assert "Top reasons (3 of" in out and "usmle.no-repeat-after-pass" in out
    assert "https://www.usmle.org/common-questions/scores" in out  # a source is one whole link
    assert "rules version" in out
    full = _run(runner, "decide", str(example_file), "--as-of", AS_OF, "--full").stdout
    assert "Path through the four questions" in full and "Does the current score block" in full
    assert "Reasons (" in full and "rules fired, in order" in full


def test_decide_json_is_exactly_the_verdict(runner, example_file):
    from datetime import date

    result = _run(runner, "decide", str(example_file), "--as-of", AS_OF, "--json")
    assert result.exit_code == 0, result.output
    body = _json(result)
    expected = default_pipeline().evaluate(find_example(EXAMPLE).data(), date.fromisoformat(AS_OF)).to_json_dict()
    assert body == json.loads(json.dumps(expected))
    for key in ("exam", "as_of", "decision", "outcome", "path", "eligibility", "band", "red_flags", "reasons",
                "actions", "rules_version"):
        assert key in body
    assert body["as_of"] == AS_OF


def test_decide_reads_stdin(runner, example_file):
    from_file = _run(runner, "decide", str(example_file), "--as-of", AS_OF, "--json")
    from_stdin = _run(runner, "decide", "-", "--as-of", AS_OF, "--json", input=find_example(EXAMPLE).text)
    assert from_stdin.exit_code == 0, from_stdin.output
    assert _json(from_stdin) == _json(from_file)


def test_decide_reads_json_profiles_from_stdin(runner):
    text = json.dumps(find_example(EXAMPLE).data(), default=str)
    result = _run(runner, "decide", "-", "--as-of", AS_OF, "--json", input=text)
    assert result.exit_code == 0, result.output
    assert _json(result)["exam"] == "usmle-step2ck"


def test_decide_quick_options_match_the_equivalent_file(runner, tmp_path):
    profile = {"exam": "usmle-step2ck", "attempts": [{"date": "2025-09-14", "score": 221}],
               "target": {"country": "US", "specialty": "internal-medicine"}}
    path = tmp_path / "p.json"
    path.write_text(json.dumps(profile))
    quick = _run(runner, "decide", *QUICK, "--as-of", AS_OF, "--json")
    assert quick.exit_code == 0, quick.output
    assert _json(quick) == _json(_run(runner, "decide", str(path), "--as-of", AS_OF, "--json"))


def test_decide_quick_options_fill_the_plan(runner):
    result = _run(runner, "decide", *QUICK, "--predicted-score", "236", "--evidence", "practice-exams",
                  "--months-to-application", "9", "--setting", "community", "--programs-accept-retakes", "no",
                  "--as-of", AS_OF, "--json")
    assert result.exit_code == 0, result.output
    verdict = _json(result)
    # A passed Step cannot be retaken, so the prediction is read, said to be unused, and given no band.
    assert verdict["predicted_band"] is None
    unused = next(r for r in verdict["reasons"] if r["rule"] == "framework.prediction-not-used")
    assert "predicted retake score of 236" in unused["text"]
    assert verdict["target"]["setting"] == "community"


def test_decide_example_option(runner):
    result = _run(runner, "decide", "--example", EXAMPLE, "--as-of", AS_OF, "--json")
    assert result.exit_code == 0
    assert _json(result)["exam"] == "usmle-step2ck"


def test_decide_options_override_a_file(runner, example_file):
    base = _json(_run(runner, "decide", str(example_file), "--as-of", AS_OF, "--json"))
    harder = _json(_run(runner, "decide", str(example_file), "--specialty", "dermatology", "--as-of", AS_OF, "--json"))
    assert base["outcome"] == "build_rest_of_cv"
    assert harder["outcome"] != base["outcome"]


def test_decide_without_a_profile_says_what_is_needed(runner):
    result = _run(runner, "decide", "--as-of", AS_OF)
    assert result.exit_code == 2
    assert result.stdout == ""
    for needed in ("profile", "--exam", "--date", "--country", "--specialty", "--example"):
        assert needed in result.stderr
    _no_traceback(result)


def test_decide_quick_use_names_the_missing_options(runner):
    result = _run(runner, "decide", "--exam", "usmle-step2ck", "--score", "221", "--as-of", AS_OF)
    assert result.exit_code == 2
    assert "--date" in result.stderr and "--country" in result.stderr and "--specialty" in result.stderr


def test_decide_bad_quick_value_names_the_option_and_allowed_values(runner):
    args = [a if a != "internal-medicine" else "astrology" for a in QUICK]
    result = _run(runner, "decide", *args, "--as-of", AS_OF)
    assert result.exit_code == 2
    assert "--specialty" in result.stderr and "astrology" in result.stderr
    assert "internal-medicine" in result.stderr  # the allowed values
    _no_traceback(result)


def test_decide_bad_field_in_a_file_names_the_field(runner, tmp_path):
    data = find_example(EXAMPLE).data()
    data["attempts"][0]["score"] = 999
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    result = _run(runner, "decide", str(path), "--as-of", AS_OF)
    assert result.exit_code == 2
    assert "attempts[0].score" in result.stderr and "1 to 300" in result.stderr
    assert result.stdout == ""
    _no_traceback(result)


def test_decide_json_errors_are_json_on_stdout(runner, tmp_path):
    data = find_example(EXAMPLE).data()
    data["target"]["colour"] = "blue"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    result = _run(runner, "decide", str(path), "--as-of", AS_OF, "--json")
    assert result.exit_code == 2
    body = _json(result)
    assert body["exit_code"] == 2
    assert body["errors"][0]["field"] == "target.colour"
    assert "country" in body["errors"][0]["allowed"]
    assert "target.colour" in result.stderr


@pytest.mark.parametrize("content, needle", [
    ("exam: [unclosed", "not valid YAML"),
    ("", "empty"),
    ("- just\n- a list\n", "mapping"),
])
def test_decide_unreadable_profiles_exit_2(runner, tmp_path, content, needle):
    path = tmp_path / "p.yaml"
    path.write_text(content)
    result = _run(runner, "decide", str(path), "--as-of", AS_OF)
    assert result.exit_code == 2
    assert needle in result.stderr
    _no_traceback(result)


@pytest.mark.parametrize("args", [
    ["decide", "--as-of", "yesterday"], ["decide"], ["decide", "--example", "nope"], ["exams", "--as-of", "x"],
    ["specialties", "--country", "123"], ["rules", "--exam", "nope"],
])
def test_with_json_every_error_is_json_on_stdout(runner, args):
    result = _run(runner, *args, "--json")
    assert result.exit_code == 2
    body = _json(result)
    assert body["exit_code"] == 2 and body["errors"][0]["message"]
    assert result.stderr.startswith("error:")


def test_decide_missing_file_exits_2(runner, tmp_path):
    result = _run(runner, "decide", str(tmp_path / "nope.yaml"), "--as-of", AS_OF)
    assert result.exit_code == 2
    assert "file not found" in result.stderr


@pytest.mark.parametrize("args, needle", [
    (["--as-of", "2026-13-01"], "--as-of"),
    (["--example", "no-such-example", "--as-of", AS_OF], "usmle-step2ck-low-pass"),
    (["--score", "abc"], "--score"),
])
def test_decide_usage_errors_exit_2(runner, args, needle):
    result = _run(runner, "decide", *args)
    assert result.exit_code == 2
    assert needle in result.output
    _no_traceback(result)


def test_decide_refuses_attempt_options_with_a_file(runner, example_file):
    result = _run(runner, "decide", str(example_file), "--score", "230", "--as-of", AS_OF)
    assert result.exit_code == 2
    assert "--score" in result.stderr


def test_decide_what_if_human(runner):
    result = _run(runner, "decide", "--example", EXAMPLE, "--what-if", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "What would change the verdict" in result.stdout


def test_decide_what_if_json(runner, monkeypatch):
    from core import whatif

    result = _run(runner, "decide", "--example", EXAMPLE, "--what-if", "--as-of", AS_OF, "--json")
    assert result.exit_code == 0, result.output
    body = _json(result)
    assert isinstance(body["what_if"], list)
    for change in body["what_if"]:
        assert set(change) >= {"change", "fields", "decision", "outcome"}

    # The CLI only relies on the documented interface.
    monkeypatch.setattr(whatif, "smallest_changes", lambda profile, as_of, pipeline=None: [
        whatif.WhatIfChange(change="With a predicted 250", fields={"plan.predicted_score": 250},
                            decision="retake", outcome="plan_focused_retake")])
    body = _json(_run(runner, "decide", "--example", EXAMPLE, "--what-if", "--as-of", AS_OF, "--json"))
    assert body["what_if"] == [{"change": "With a predicted 250", "fields": {"plan.predicted_score": 250},
                                "decision": "retake", "outcome": "plan_focused_retake", "effect": "different"}]
    human = _run(runner, "decide", "--example", EXAMPLE, "--what-if", "--as-of", AS_OF)
    assert "With a predicted 250" in human.stdout and "Retake" in human.stdout


@pytest.mark.parametrize("error, needle", [
    (PluginError("usmle", "assessing usmle-step2ck", "ZeroDivisionError: boom"), "plugin 'usmle'"),
    (EngineError("no rule decided usmle-step2ck"), "rules engine"),
])
def test_decide_internal_faults_exit_1_and_name_the_culprit(runner, monkeypatch, error, needle):
    def broken(self, profile, as_of):
        raise error

    monkeypatch.setattr(Pipeline, "evaluate", broken)
    result = _run(runner, "decide", "--example", EXAMPLE, "--as-of", AS_OF)
    assert result.exit_code == 1
    assert needle in result.stderr and "internal fault" in result.stderr
    _no_traceback(result)
    as_json = _run(runner, "decide", "--example", EXAMPLE, "--as-of", AS_OF, "--json")
    assert as_json.exit_code == 1
    assert _json(as_json)["exit_code"] == 1


def test_main_turns_an_unexpected_exception_into_one_line(monkeypatch, capsys):
    def explode() -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(cli, "app", explode)
    monkeypatch.delenv("RETAKE_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "internal fault: RuntimeError: kaboom" in err and "Traceback" not in err


# --- listings ----------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["exams", "--json", "--as-of", AS_OF], ["specialties", "--json"], ["specialties", "--json", "--country", "GB"],
    ["rules", "--json"], ["rules", "--json", "--exam", "usmle-step2ck"], ["plugins", "--json"],
    ["decide", "--example", EXAMPLE, "--json", "--as-of", AS_OF],
])
def test_json_output_is_pure(runner, args):
    result = _run(runner, *args)
    assert result.exit_code == 0, result.output
    assert isinstance(_json(result), (list, dict))
    assert result.stdout.strip().startswith(("[", "{"))


def test_exams(runner):
    body = _json(_run(runner, "exams", "--json", "--as-of", AS_OF))
    by_id = {exam["id"]: exam for exam in body}
    step2 = by_id["usmle-step2ck"]
    assert step2["plugin"] == "usmle" and step2["retake_after_pass"] == "never"
    assert step2["scale"] == {"low": 1, "high": 300, "unit": "points"}
    assert step2["sources"] and step2["sources"][0]["url"].startswith("https://")
    human = _run(runner, "exams", "--as-of", AS_OF)
    assert human.exit_code == 0 and "usmle-step2ck" in human.stdout and "Exams" in human.stdout


def test_specialties(runner):
    body = _json(_run(runner, "specialties", "--json"))
    ids = {s["id"] for s in body}
    assert {"internal-medicine", "dermatology"} <= ids
    for specialty in body:
        assert 0 <= specialty["competitiveness"] <= 100 and specialty["tier"]
    us = _json(_run(runner, "specialties", "--json", "--country", "us"))
    assert len({s["id"] for s in us}) == len(us)  # one entry per id once overrides are applied
    human = _run(runner, "specialties", "--country", "UK")
    assert human.exit_code == 0 and "Specialties for GB" in human.stdout


def test_specialties_bad_country_exits_2(runner):
    result = _run(runner, "specialties", "--country", "12")
    assert result.exit_code == 2 and "--country" in result.stderr


def test_rules(runner):
    every = _json(_run(runner, "rules", "--json"))
    assert len({r["id"] for r in every}) == len(every)
    for rule in every:
        assert set(rule) >= {"id", "title", "source", "effective", "until", "confidence", "plugin"}
    owners = {r["id"]: r["plugin"] for r in every}
    assert owners["usmle.no-repeat-after-pass"] == "usmle"
    assert any(plugin == "framework" for plugin in owners.values())

    for_usmle = _json(_run(runner, "rules", "--json", "--exam", "usmle-step2ck"))
    assert {r["plugin"] for r in for_usmle} <= {"framework", "usmle"}
    assert "usmle.no-repeat-after-pass" in {r["id"] for r in for_usmle}
    human = _run(runner, "rules", "--exam", "usmle-step2ck")
    assert human.exit_code == 0 and "usmle.no-repeat-after-pass" in human.stdout


def test_rules_unknown_exam_exits_2_with_allowed_values(runner):
    result = _run(runner, "rules", "--exam", "step9")
    assert result.exit_code == 2
    assert "--exam" in result.stderr and "usmle-step2ck" in result.stderr


_BUILD_REGISTRY = core.plugins.build_registry


def _registry_with_a_broken_plugin() -> Registry:
    registry = _BUILD_REGISTRY()
    registry.plugins.append(PluginInfo("broken", "9.9", "entry point",
                                       error="ImportError while importing: no module named 'nowhere'"))
    return registry


def test_plugins_lists_load_errors(runner, monkeypatch):
    body = _json(_run(runner, "plugins", "--json"))
    assert "usmle" in {p["name"] for p in body}
    for plugin in body:
        assert set(plugin) >= {"name", "version", "exams", "error"}

    monkeypatch.setattr(core.plugins, "build_registry", _registry_with_a_broken_plugin)
    body = _json(_run(runner, "plugins", "--json"))
    broken = next(p for p in body if p["name"] == "broken")
    assert "ImportError" in broken["error"]
    human = _run(runner, "plugins")
    assert human.exit_code == 0 and "FAILED" in human.stdout and "nowhere" in human.stdout


def test_a_strict_plugin_failure_exits_1_naming_the_plugin(runner, monkeypatch):
    def strict_failure(*args, **kwargs):
        raise PluginError("broken", "importing", "ImportError: no module named 'nowhere'")

    monkeypatch.setattr(core.plugins, "build_registry", strict_failure)
    for command in ("plugins", "exams", "rules", "specialties"):
        result = _run(runner, command)
        assert result.exit_code == 1, command
        assert "plugin 'broken'" in result.stderr
        _no_traceback(result)


# --- dashboard and new-plugin ------------------------------------------------------------------

def test_dashboard_runs_streamlit_on_the_installed_file(runner, monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(cli, "_run_forwarding_signals", lambda command, env=None: calls.append((command, env)) or 0)
    monkeypatch.chdir(tmp_path)  # works from any folder
    result = _run(runner, "dashboard", "--port", "8765", "--headless", "--example", EXAMPLE,
                  "--server.address", "127.0.0.1")
    assert result.exit_code == 0, result.output
    (command, env), = calls
    assert command[:4] == [sys.executable, "-m", "streamlit", "run"]
    script = Path(next(part for part in command if part.endswith("dashboard.py")))
    assert script.is_absolute() and script.parent.name == "frontends"
    assert script == Path(resources.files("frontends").joinpath("dashboard.py"))
    assert command[command.index("--server.port") + 1] == "8765"
    assert command[command.index("--server.headless") + 1] == "true"  # never Streamlit's e-mail prompt
    assert command[command.index("--server.address") + 1] == "localhost"  # our default…
    user_choice = len(command) - 1 - command[::-1].index("--server.address")
    assert command[user_choice + 1] == "127.0.0.1" and user_choice < command.index(str(script))  # …the user's wins
    assert command[-3:] == ["--", "--example", EXAMPLE]
    assert env["RETAKE_EXAMPLE"] == EXAMPLE
    # Nothing leaves the machine, and uploads are capped.
    assert command[command.index("--browser.gatherUsageStats") + 1] == "false"
    assert command[command.index("--server.maxUploadSize") + 1] == "10"


def test_dashboard_without_headless_still_runs_streamlit_headless_and_opens_the_browser(runner, monkeypatch):
    # On a new machine a non-headless Streamlit stops at an e-mail prompt on stdin; the CLI always
    # runs it headless and opens the browser itself once the server answers.
    from frontends import cli

    calls, opened = [], []
    monkeypatch.setattr(cli, "_run_forwarding_signals", lambda command, env=None: calls.append(command) or 0)
    monkeypatch.setattr(cli, "_open_when_ready", lambda url, stopped: opened.append(url))
    assert _run(runner, "dashboard", "--port", "8766").exit_code == 0
    (command,) = calls
    assert command[command.index("--server.headless") + 1] == "true"
    assert opened == ["http://localhost:8766"]


def test_dashboard_passes_on_streamlit_exit_code(runner, monkeypatch):
    monkeypatch.setattr(cli, "_run_forwarding_signals", lambda command, env=None: 3)
    assert _run(runner, "dashboard").exit_code == 3


@pytest.mark.parametrize("args, needle", [(["--example", "nope"], "--example"), (["--port", "70000"], "--port")])
def test_dashboard_bad_options_exit_2(runner, monkeypatch, args, needle):
    monkeypatch.setattr(cli, "_run_forwarding_signals", lambda command, env=None: pytest.fail("must not start"))
    result = _run(runner, "dashboard", *args)
    assert result.exit_code == 2 and needle in result.stderr


def test_new_plugin_writes_a_package(runner, tmp_path):
    result = _run(runner, "new-plugin", "zz-test-exam", "--country", "IN", "--dest", str(tmp_path))
    assert result.exit_code == 0, result.output
    created = Path(result.stdout.strip())
    assert created.is_dir() and created.parent == tmp_path
    assert "created" in result.stderr


@pytest.mark.parametrize("args", [["Bad Name!", "--country", "IN"], ["zz-ok", "--country", "India"]])
def test_new_plugin_bad_input_exits_2(runner, tmp_path, args):
    result = _run(runner, "new-plugin", *args, "--dest", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    _no_traceback(result)


def test_new_plugin_needs_a_country(runner, tmp_path):
    result = _run(runner, "new-plugin", "zz-test-exam", "--dest", str(tmp_path))
    assert result.exit_code == 2 and "--country" in result.output


# --- start-up stays light ----------------------------------------------------------------------

HEAVY = ("streamlit", "pandas", "altair")


def _modules_after(code: str) -> set[str]:
    probe = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from frontends.cli import app\n"
        f"{code}\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    return set(done.stdout.split())


def test_help_imports_neither_core_nor_rich_nor_heavy_libraries():
    loaded = _modules_after("CliRunner().invoke(app, ['--help'])")
    assert not loaded & {*HEAVY, "core", "rich", "yaml"}, loaded & {*HEAVY, "core", "rich", "yaml"}


def test_decide_json_never_imports_the_dashboard_stack():
    loaded = _modules_after(
        f"r = CliRunner().invoke(app, ['decide', '--example', '{EXAMPLE}', '--json', '--as-of', '{AS_OF}'])\n"
        "assert r.exit_code == 0, r.output"
    )
    assert "core" in loaded
    assert not loaded & {*HEAVY, "rich"}
