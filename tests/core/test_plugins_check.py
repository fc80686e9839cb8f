"""`retake plugins check NAME`: clean on the built-ins, every problem of a deliberately broken
plugin (installed as a third party's: a dist-info folder with an entry point) named with its fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontends.cli import app

HERE = Path(__file__).parent / "broken_plugin"


@pytest.mark.parametrize("name", ["usmle", "plab", "mccqe"])
def test_the_built_ins_are_clean(name: str):
    result = CliRunner().invoke(app, ["plugins", "check", name, "--json"])
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["problems"] == []


def test_every_problem_of_a_broken_plugin_is_named_with_its_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    info = tmp_path / "retake_broken-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: retake-broken\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[retake.plugins]\nbroken = retake_broken\n")
    monkeypatch.syspath_prepend(str(HERE))
    monkeypatch.syspath_prepend(str(tmp_path))
    result = CliRunner().invoke(app, ["plugins", "check", "broken", "--json"])
    assert result.exit_code == 2
    found = json.loads(result.stdout)
    text = " | ".join(p["problem"] for p in found["problems"])
    for expected in ("'broken.misspelt-field'", "blocked_byy", "'broken.bad-placeholder'", "malformed placeholder",
                     "'broken.unknown-decision'", "'perhaps'", "'other.wrong-prefix'",
                     "there is no rule 'framework.no-such-rule'", "example 'broken-bad-date' is not a valid profile",
                     "attempts[0].date", "example 'broken-other-exam' names usmle-step1, none of this plugin's exams",
                     "example 'Broken Name': the name must be lower-case", "example 'Broken Name': give it a title"):
        assert expected in text, text
    assert all(p["fix"] for p in found["problems"])
    plain = CliRunner().invoke(app, ["plugins", "check", "broken"])
    assert plain.exit_code == 2 and "fix:" in plain.stdout


def test_an_unknown_plugin_or_action_is_a_usage_error():
    assert CliRunner().invoke(app, ["plugins", "check", "no-such-plugin"]).exit_code == 2
    assert CliRunner().invoke(app, ["plugins", "frobnicate"]).exit_code == 2
