"""core.scaffold.write_plugin: a complete plugin package that passes its own tests as generated."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from core.scaffold import FILES, write_plugin


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    return write_plugin("india-fmge", "in", tmp_path)


def test_writes_every_file_of_an_installable_package(generated: Path, tmp_path: Path):
    assert generated == tmp_path / "retake-india-fmge"
    written = sorted(str(p.relative_to(generated)) for p in generated.rglob("*") if p.is_file())
    assert written == sorted(f.replace("package/", "retake_india_fmge/").replace(
        "examples/example.yaml", "examples/india-fmge-exam-pass-after-fail.yaml") for f in FILES)
    pyproject = tomllib.loads((generated / "pyproject.toml").read_text())
    assert pyproject["build-system"]["build-backend"] == "hatchling.build"
    assert pyproject["project"]["name"] == "retake-india-fmge"
    assert pyproject["project"]["entry-points"]["retake.plugins"] == {"india-fmge": "retake_india_fmge"}
    assert pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["retake_india_fmge"]


def test_the_generated_plugin_declares_a_dated_sourced_exam(generated: Path):
    policy = (generated / "retake_india_fmge" / "policy.py").read_text()
    assert 'country="IN"' in policy
    assert "PASS_MARK = DatedValues.of(" in policy and "Source(" in policy
    rules = (generated / "retake_india_fmge" / "rules.py").read_text()
    assert 'id="india-fmge.passed-final"' in rules and "{india_fmge_record.attempts}" in rules
    for path in generated.rglob("*.py"):
        compile(path.read_text(), str(path), "exec")  # every generated module is valid Python


def test_the_generated_package_passes_its_own_tests(generated: Path):
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=generated,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed, 1 skipped" in result.stdout  # the entry-point test needs an install (tests/test_external_plugin.py)


@pytest.mark.parametrize("name, message", [
    ("", "needs a name"),
    ("FMGE", "lower-case"),
    ("1fmge", "starting with a letter"),
    ("india_fmge", "joined by single dashes"),
    ("india--fmge", "joined by single dashes"),
    ("x" * 41, "too long"),
    ("framework", "reserved"),
    ("usmle", "already installed"),
])
def test_bad_names_are_refused_with_a_message(tmp_path: Path, name: str, message: str):
    with pytest.raises(ValueError, match=message):
        write_plugin(name, "IN", tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("country", ["India", "I", "", "1N", "ÅÅ"])
def test_bad_countries_are_refused_with_a_message(tmp_path: Path, country: str):
    with pytest.raises(ValueError, match="two-letter ISO 3166 code"):
        write_plugin("fmge", country, tmp_path)


def test_country_aliases_and_case_are_accepted(tmp_path: Path):
    root = write_plugin("nhs-exam", "uk", tmp_path)
    assert 'country="GB"' in (root / "retake_nhs_exam" / "policy.py").read_text()


def test_an_existing_folder_is_never_overwritten(generated: Path, tmp_path: Path):
    marker = generated / "pyproject.toml"
    before = marker.read_text()
    with pytest.raises(ValueError, match="already exists"):
        write_plugin("india-fmge", "IN", tmp_path)
    assert marker.read_text() == before


def test_a_file_as_destination_is_refused(tmp_path: Path):
    target = tmp_path / "a-file"
    target.write_text("x")
    with pytest.raises(ValueError, match="is a file"):
        write_plugin("fmge", "IN", target)


def test_a_missing_destination_is_created(tmp_path: Path):
    root = write_plugin("fmge", "IN", tmp_path / "new" / "folder")
    assert (root / "pyproject.toml").is_file()


def test_retake_new_plugin_command(tmp_path: Path):
    from typer.testing import CliRunner

    from frontends.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["new-plugin", "fmge", "--country", "IN", "--dest", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "retake-fmge" / "retake_fmge" / "policy.py").is_file()
    assert str(tmp_path / "retake-fmge") in result.stdout
    again = runner.invoke(app, ["new-plugin", "fmge", "--country", "IN", "--dest", str(tmp_path)])
    assert again.exit_code == 2
    assert "already exists" in again.output
    bad = runner.invoke(app, ["new-plugin", "Bad_Name", "--country", "IN", "--dest", str(tmp_path)])
    assert bad.exit_code == 2 and "lower-case" in bad.output


def test_the_generated_plugin_uses_an_override_and_ships_an_example(generated: Path, monkeypatch: pytest.MonkeyPatch):
    from core.testing import check_plugin

    monkeypatch.syspath_prepend(str(generated))
    module = __import__("retake_india_fmge")
    report = check_plugin(module, "india-fmge")
    assert report.ok, report.summary()
    assert [e.name for e in report.examples] == ["india-fmge-exam-pass-after-fail"]
    assert report.examples[0].title.startswith("INDIA-FMGE exam: a pass at 175")
    (exam,) = report.exams
    assert [o.target for o in exam.overrides] == ["red_flag:prior-failure"]
