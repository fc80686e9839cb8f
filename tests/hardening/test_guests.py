"""Plugins are guests (issue 16): crafted hostile plugins, installed the way a third party's are (a
dist-info folder with an entry point on sys.path), never take a command down, hijack another
plugin's exam, or change a built-in verdict; each is refused or fails by name."""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core.errors import PluginError
from core.ownership import MAX_RULES_PER_PLUGIN
from core.pipeline import Pipeline
from core.plugins import ENTRY_POINT_GROUP, build_registry, timeouts_from_env

HERE = Path(__file__).parent / "guest_plugins"
AS_OF = date(2026, 11, 25)
USMLE = {"exam": "usmle-step2ck", "attempts": [{"date": "2025-09-14", "score": 221}],
         "target": {"country": "US", "specialty": "internal-medicine"}}
BUILT_INS = "usmle,plab,mccqe"


@pytest.fixture
def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """install(package, {entry point name: module}) writes an installed distribution's metadata."""
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(HERE))
    monkeypatch.syspath_prepend(str(site))

    def installed(package: str, entry_points: dict[str, str]) -> None:
        info = site / f"{package.replace('-', '_')}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {package}\nVersion: 1.0\n")
        lines = "\n".join(f"{name} = {module}" for name, module in entry_points.items())
        (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{lines}\n")

    return installed


def load(*names: str, timeout: str = "2", strict: bool = False):
    return build_registry(env={"RETAKE_PLUGINS": ",".join((BUILT_INS, *names)), "RETAKE_PLUGIN_TIMEOUT": timeout},
                          strict=strict)


def errors(registry) -> dict[str, str]:
    return {p.name: p.error for p in registry.load_errors}


def built_ins_work(registry) -> None:
    assert {"usmle", "plab", "mccqe"} <= {p.name for p in registry.plugins if p.ok}
    assert Pipeline(registry).evaluate(USMLE, AS_OF).decision == "not_allowed"


@pytest.mark.parametrize("module,expected", [
    ("exits_at_import", "SystemExit(3)"),
    ("interrupts_at_import", "KeyboardInterrupt raised by the plugin"),
])
def test_sys_exit_or_keyboard_interrupt_at_import_fails_only_that_plugin(install, module, expected):
    install(f"retake-{module}", {module: module})
    registry = load(module)
    assert expected in errors(registry)[module] and "import" in errors(registry)[module]
    built_ins_work(registry)


def test_a_plugin_hanging_at_import_in_c_is_bounded_and_named(install):
    install("retake-hangs", {"hangs": "hangs_at_import"})
    started = time.monotonic()
    registry = load("hangs", timeout="0.5")
    assert time.monotonic() - started < 5
    assert "import did not answer within 0.5 s" in errors(registry)["hangs"]
    built_ins_work(registry)


@pytest.mark.parametrize("where,expected", [
    ("assess", "SystemExit(5)"), ("interrupt", "KeyboardInterrupt raised by the plugin"), ("sleep", "timed out"),
])
def test_sys_exit_interrupt_or_a_c_level_hang_in_assess_fails_that_verdict_only(install, where, expected):
    install("retake-exits", {"exits": "exits_in_hooks"})
    registry = load("exits", timeout="0.5")
    module = sys.modules["exits_in_hooks"]
    module.WHERE = where
    pipeline = Pipeline(registry)
    started = time.monotonic()
    with pytest.raises(PluginError) as caught:
        pipeline.evaluate({**USMLE, "exam": "exiting-exam"}, AS_OF)
    assert time.monotonic() - started < 5
    assert caught.value.plugin == "exits" and expected in str(caught.value)
    assert pipeline.evaluate(USMLE, AS_OF).decision == "not_allowed"


def test_sys_exit_in_a_registration_hook_fails_that_plugin_only(install):
    install("retake-exits", {"exits": "exits_in_hooks"})
    import importlib

    sys.path.insert(0, str(HERE))
    module = importlib.import_module("exits_in_hooks")
    module.WHERE = "register"
    try:
        registry = load("exits")
    finally:
        module.WHERE = "assess"
    assert "SystemExit(4)" in errors(registry)["exits"] and "retake_register_exams" in errors(registry)["exits"]
    built_ins_work(registry)


def test_a_plugins_prints_never_reach_json_stdout(install, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    import core.pipeline as pipeline_module
    from frontends.cli import app

    install("retake-prints", {"prints": "prints_everywhere"})
    monkeypatch.setenv("RETAKE_PLUGINS", f"{BUILT_INS},prints")
    pipeline_module._default_pipeline.cache_clear()
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({**USMLE, "exam": "printing-exam"}))
    try:
        result = CliRunner().invoke(app, ["decide", str(profile), "--json", "--as-of", "2026-11-25"])
    finally:
        pipeline_module._default_pipeline.cache_clear()
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert json.loads(result.stdout)["exam"] == "printing-exam"
    assert "printed while assessing" in result.stderr and "printed" not in result.stdout


def test_a_broken_rule_condition_disables_only_its_plugin_named(install):
    install("retake-broken-condition", {"broken-condition": "broken_condition"})
    registry = load("broken-condition")
    assert "do not compile" in errors(registry)["broken-condition"]
    built_ins_work(registry)
    with pytest.raises(PluginError, match="broken-condition"):
        load("broken-condition", strict=True)


def test_retake_plugins_lists_the_broken_plugin_as_failed(install, monkeypatch: pytest.MonkeyPatch):
    from frontends.cli import app

    install("retake-broken-condition", {"broken-condition": "broken_condition"})
    monkeypatch.setenv("RETAKE_PLUGINS", f"{BUILT_INS},broken-condition")
    result = CliRunner().invoke(app, ["plugins", "--json"])
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert "do not compile" in rows["broken-condition"]["error"] and rows["usmle"]["error"] is None


def test_a_third_party_cannot_take_a_built_in_exam_id(install):
    install("retake-aaa", {"aaa-claims": "claims_usmle"})  # sorts before usmle
    registry = load("aaa-claims")
    assert "belongs to the built-in plugin 'usmle'" in errors(registry)["aaa-claims"]
    assert registry.exams["usmle-step2ck"].plugin == "usmle"
    built_ins_work(registry)


def test_two_third_parties_claiming_one_exam_id_are_both_refused(install):
    install("retake-a-shared", {"a-shared": "claims_shared"})
    install("retake-b-shared", {"b-shared": "claims_shared_b"})
    (HERE / "claims_shared_b.py").write_text((HERE / "claims_shared.py").read_text())
    try:
        registry = load("a-shared", "b-shared")
    finally:
        (HERE / "claims_shared_b.py").unlink()
    failed = errors(registry)
    assert "b-shared" in failed["a-shared"] and "a-shared" in failed["b-shared"]
    assert "shared-exam" not in registry.exams
    built_ins_work(registry)


def test_an_entry_point_named_usmle_in_another_package_is_refused(install):
    install("not-retake", {"usmle": "fake_usmle"})
    registry = load()
    assert "'not-retake' publishes entry point 'usmle'" in errors(registry)["usmle"]
    assert "fake-usmle-exam" not in registry.exams
    built_ins_work(registry)


def test_a_third_partys_rules_and_specialties_stay_on_its_own_exams_and_countries(install):
    before = Pipeline(load()).evaluate({**USMLE, "attempts": [{"date": "2025-09-14", "score": 250}]}, AS_OF)
    install("retake-flips", {"flips": "flips_usmle"})
    registry = load("flips")
    assert "flips" not in errors(registry)
    after = Pipeline(registry).evaluate({**USMLE, "attempts": [{"date": "2025-09-14", "score": 250}]}, AS_OF)
    assert after.model_dump() | {"rules_version": ""} == before.model_dump() | {"rules_version": ""}
    assert "retake-now" not in [a.id for a in after.actions]
    assert registry.specialty("internal-medicine", "US").competitiveness != 1
    assert registry.specialty("internal-medicine", "NZ").competitiveness == 1




def _plugin(*rules):
    from core import hookimpl

    class Plugin:
        @hookimpl
        def retake_register_rules(self, register):
            for rule in rules:
                register(rule)

    return Plugin()


def test_a_plugin_over_the_rule_cap_is_refused_with_a_clear_message():
    from core.rules import Rule, fact, note
    from core.dated_values import Source

    rules = [Rule(id=f"many.r{i}", title="r", when={"c": fact("case", score=i)}, then=[note("n")], text="t",
                  source=Source("s"), exams=("*",)) for i in range(MAX_RULES_PER_PLUGIN + 1)]
    started = time.monotonic()
    registry = build_registry(extra=[("many", _plugin(*rules))], entry_points=False)
    assert time.monotonic() - started < 5
    assert f"at most {MAX_RULES_PER_PLUGIN}" in errors(registry)["many"]


@pytest.mark.parametrize("then,text,expected", [
    ([("decision", "maybe")], "t", "decision 'maybe' is not one the Verdict knows"),
    ([("outcome", "somewhere")], "t", "outcome 'somewhere' is not one the Verdict knows"),
    ([("answer", "is_it")], "t", "question 'is_it' is not one of the flowchart's"),
    ([], "Score {case.score:g", "malformed placeholder"),
    ([], "Score {case.scroe}", "fact 'case' has no field 'scroe'"),
    ([], "Score {cas.score}", "no fact 'cas' exists"),
    ([], "Score {0}", "must name a fact and its field"),
])
def test_registration_refuses_unknown_conclusions_and_bad_placeholders_naming_them(then, text, expected):
    from core.dated_values import Source
    from core.rules import Rule, answer, decision, fact, outcome

    build = {"decision": decision, "outcome": outcome, "answer": lambda q: answer(q, True)}
    rule = Rule(id="odd.rule", title="r", when={"c": fact("case")}, text=text, source=Source("s"),
                then=[build[kind](value) for kind, value in then])
    registry = build_registry(extra=[("odd", _plugin(rule))], entry_points=False)
    assert expected in errors(registry)["odd"] and "odd.rule" in errors(registry)["odd"]


def test_a_misspelt_fact_field_in_a_condition_is_refused_at_registration():
    from core.dated_values import Source
    from core.rules import Rule, decision, fact

    rule = Rule(id="typo.rule", title="r", when={"e": fact("eligibility", blocked_byy="passed-final")}, text="t",
                source=Source("s"), then=[decision("not_allowed")])
    registry = build_registry(extra=[("typo", _plugin(rule))], entry_points=False)
    assert "fact 'eligibility' has no field 'blocked_byy'" in errors(registry)["typo"]


@pytest.mark.parametrize("value,expected", [
    ("inf", (None, None)), ("INF", (None, None)), ("none", (None, None)), ("nan", (10.0, 5.0)),
    ("-1", (10.0, 5.0)), ("soon", (10.0, 5.0)), ("1e400", (None, None)), ("2.5", (2.5, 2.5)),
])
def test_plugin_timeout_from_env(value, expected):
    assert timeouts_from_env({"RETAKE_PLUGIN_TIMEOUT": value}) == expected


def test_an_infinite_timeout_loads_every_plugin():
    registry = build_registry(env={"RETAKE_PLUGIN_TIMEOUT": "inf", "RETAKE_PLUGINS": BUILT_INS})
    assert not registry.load_errors
    built_ins_work(registry)


def test_a_stop_signal_landing_in_plugin_code_stops_the_command_not_the_plugin():
    # `retake batch` turns SIGTERM/SIGHUP into core.errors.Stopped on the main thread, wherever it
    # is. In a plugin's assess it was read as the plugin's sys.exit(): that row became a fault and
    # the batch ran on to the end (seen as a flaky signal test). It must go through.
    from core.errors import Stopped
    from core.guests import guest_call_here

    def interrupted():
        raise Stopped(143)

    with pytest.raises(Stopped):
        guest_call_here("someone", "assessing x", "retake_assess", interrupted, (), timeout=2)
    with pytest.raises(PluginError, match="SystemExit"):
        guest_call_here("someone", "assessing x", "retake_assess", lambda: sys.exit(3), (), timeout=2)


def test_the_stdout_proxy_never_closes_or_flushes_a_closed_real_stream():
    import io

    from core.guests import _PluginStdout

    real = io.StringIO()
    proxy = _PluginStdout(real)
    proxy.write("kept")
    proxy.close()  # io's finalizer does this at exit
    assert not real.closed and real.getvalue() == "kept"
    real.close()
    proxy.flush()  # a closed real stream (a test runner's capture, already gone): no error
