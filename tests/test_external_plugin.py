"""The whole path a plugin author takes: pip install a plugin package into a fresh virtual
environment, then `retake exams` finds it and `retake decide` uses it.

Offline and quick: the fresh venv sees this project's installed dependencies through a .pth file
(so nothing is downloaded), and pip builds the plugin with `--no-deps --no-build-isolation`
(hatchling comes from the project's dev dependencies). Marked slow; never skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from core.scaffold import write_plugin

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
AMC = ROOT / "examples" / "amc-plugin"
AS_OF = "2026-06-01"


class Venv:
    def __init__(self, path: Path):
        self.path = path
        self.python = path / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("RETAKE_", "PIP_", "PYTHON"))}
        self.env.update(PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONNOUSERSITE="1")

    def run(self, *args: str, cwd: Path | None = None, timeout: int = 120) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.python), *args], cwd=cwd, env=self.env, capture_output=True, text=True,
                              timeout=timeout)

    def pip_install(self, package: Path) -> None:
        result = self.run("-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", str(package))
        assert result.returncode == 0, result.stdout + result.stderr

    def retake(self, *args: str) -> subprocess.CompletedProcess:
        # `retake` is the project's console script; in this venv it is the same module run with -m.
        return self.run("-m", "frontends.cli", *args, cwd=self.path)


@pytest.fixture
def venv(tmp_path: Path) -> Venv:
    """A fresh virtual environment for each test: nothing installed in one test leaks into another."""
    path = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=120)
    created = Venv(path)
    site_packages = Path(created.run("-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    # addsitedir (not a bare path line) so the project's own .pth files, e.g. its editable install, apply too.
    project_site = sysconfig.get_paths()["purelib"]
    (site_packages / "retake-verdict-deps.pth").write_text(f"import site; site.addsitedir({project_site!r})\n")
    check = created.run("-c", "import core, durable, hatchling; print(core.__file__)")
    assert check.returncode == 0, check.stderr
    return created


def _copy(source: Path, dest: Path) -> Path:
    return Path(shutil.copytree(source, dest, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build")))


def test_an_installed_amc_plugin_is_found_and_used(venv: Venv, tmp_path: Path):
    before = venv.retake("exams", "--json")
    assert before.returncode == 0, before.stderr
    assert "amc-cat-mcq" not in {row["id"] for row in json.loads(before.stdout)}

    venv.pip_install(_copy(AMC, tmp_path / "amc-plugin"))

    listed = venv.retake("exams", "--json")
    assert listed.returncode == 0, listed.stderr
    exams = {row["id"]: row for row in json.loads(listed.stdout)}
    assert exams["amc-cat-mcq"]["plugin"] == "amc" and exams["amc-clinical"]["plugin"] == "amc"
    assert exams["amc-cat-mcq"]["country"] == "AU"
    assert "usmle-step2ck" in exams  # the built-ins still load beside it

    # The examples ship inside the wheel (retake_amc/examples/) and are listed beside their exam.
    assert [e["name"] for e in exams["amc-cat-mcq"]["examples"]] == ["amc-mcq-pass"]
    assert exams["amc-clinical"]["examples"][0]["plugin"] == "amc"
    decided = venv.retake("decide", "--example", "amc-mcq-pass", "--json", "--as-of", AS_OF)
    assert decided.returncode == 0, decided.stderr
    verdict = json.loads(decided.stdout)
    assert verdict["exam"] == "amc-cat-mcq"
    assert verdict["decision"] == "not_allowed"
    assert "amc.passed-final" in [r["rule"] for r in verdict["reasons"]]

    checked = venv.retake("plugins", "check", "amc", "--json")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert json.loads(checked.stdout)["problems"] == []

    clinical = venv.retake("decide", "--example", "amc-clinical-fail", "--json", "--as-of", AS_OF)
    assert clinical.returncode == 0, clinical.stderr
    assert json.loads(clinical.stdout)["decision"] == "retake_required"


def test_the_installed_amc_plugin_passes_its_own_tests(venv: Venv, tmp_path: Path):
    copy = _copy(AMC, tmp_path / "amc-plugin")
    venv.pip_install(copy)
    result = venv.run("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "skipped" not in result.stdout  # installed: the entry-point test runs too


def test_a_scaffolded_plugin_installs_and_passes_its_own_tests(venv: Venv, tmp_path: Path):
    package = write_plugin("demo-exam", "NZ", tmp_path)
    venv.pip_install(package)
    result = venv.run("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=package)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout and "skipped" not in result.stdout

    listed = venv.retake("exams", "--json")
    assert listed.returncode == 0, listed.stderr
    assert {row["id"]: row["plugin"] for row in json.loads(listed.stdout)}["demo-exam-exam"] == "demo-exam"
    checked = venv.retake("plugins", "check", "demo-exam")
    assert checked.returncode == 0 and "no problem" in checked.stdout, checked.stdout + checked.stderr
    decided = venv.retake("decide", "--example", "demo-exam-exam-pass-after-fail", "--json", "--as-of", AS_OF)
    assert decided.returncode == 0, decided.stderr
    assert json.loads(decided.stdout)["decision"] == "not_allowed"


def test_a_broken_installed_plugin_is_named_with_every_problem(venv: Venv, tmp_path: Path):
    package = write_plugin("demo-broken", "NZ", tmp_path)
    module = package / "retake_demo_broken"
    # Three faults an author makes: a misspelt field, an override of an id that does not exist, a broken example.
    rules = module / "rules.py"
    rules.write_text(rules.read_text().replace('blocked_by="passed-final"', 'blocked_byy="passed-final"'))
    policy = module / "policy.py"
    policy.write_text(policy.read_text().replace('Override("red_flag:prior-failure"', 'Override("red_flag:no-such-flag"'))
    (module / "examples" / "demo-broken-exam-typo.yaml").write_text(
        "# A sitting on no day.\nexam: demo-broken-exam\nattempts: [{date: someday, score: 150}]\n")
    venv.pip_install(package)
    checked = venv.retake("plugins", "check", "demo-broken", "--json")
    assert checked.returncode == 2, checked.stdout + checked.stderr
    problems = " | ".join(p["problem"] for p in json.loads(checked.stdout)["problems"])
    for expected in ("blocked_byy", "'red_flag:no-such-flag'", "example 'demo-broken-exam-typo' is not a valid profile"):
        assert expected in problems, problems
