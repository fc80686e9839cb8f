"""Security: safe YAML only and size caps on every input; no network anywhere; no user text
rendered as HTML; plugins load only from installed entry points, never from paths in user input."""

from __future__ import annotations

import json
import re
import socket
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import core
import frontends
from core.errors import ProfileError
from core.loading import MAX_PROFILE_BYTES, _BoundedLoader, parse_text, read_profile_file
from core.pipeline import default_pipeline
from core.plugins import build_registry
from core.testing.samples import sample_profiles
from frontends.cli import app

from days import AS_OF  # the one fixed day (tests/days.py)
PACKAGES = [Path(core.__file__).parent, Path(frontends.__file__).parent,
            Path(__import__("plugins").__file__).parent]
SOURCES = sorted(p for folder in PACKAGES for p in folder.rglob("*.py"))


def _source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# --- YAML: the safe loader only ------------------------------------------------------------------

UNSAFE_YAML = re.compile(r"yaml\.(unsafe_load|full_load|load_all)\(|Loader\s*=\s*yaml\.(Loader|FullLoader|UnsafeLoader)"
                         r"|yaml\.load\((?![^)]*Loader=(_BoundedLoader|yaml\.SafeLoader|yaml\.CSafeLoader))")


def test_no_module_loads_yaml_unsafely():
    assert SOURCES
    offenders = [f"{p}: {m.group(0)}" for p in SOURCES for m in UNSAFE_YAML.finditer(_source(p))]
    assert not offenders, offenders
    assert issubclass(_BoundedLoader, yaml.SafeLoader)


def test_python_tags_are_refused_not_run(tmp_path: Path):
    marker = tmp_path / "ran"
    text = f"exam: !!python/object/apply:os.system ['touch {marker}']\n"
    with pytest.raises(ProfileError, match="could not determine a constructor"):
        parse_text(text)
    assert not marker.exists()


# --- size caps --------------------------------------------------------------------------------------

def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path):
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as fh:
        fh.truncate(2 * 1024**3)  # a sparse 2 GB file: reading it would take seconds and memory
    with pytest.raises(ProfileError, match="too large for a profile"):
        read_profile_file(huge)


def test_text_and_bytes_over_the_cap_are_refused():
    for data in ("a" * (MAX_PROFILE_BYTES + 1), b"a" * (MAX_PROFILE_BYTES + 1), "é" * (MAX_PROFILE_BYTES // 2 + 1)):
        with pytest.raises(ProfileError, match="too large"):
            parse_text(data)


def test_decide_reads_at_most_the_cap_from_stdin():
    result = CliRunner().invoke(app, ["decide", "-", "--as-of", "2026-11-25"], input="a" * (MAX_PROFILE_BYTES * 4))
    assert result.exit_code == 2
    assert "too large" in result.stderr


def test_the_dashboard_upload_goes_through_the_capped_parser():
    # Both upload widgets hand the bytes to core.loading.parse_text (the size cap, the safe loader).
    dashboard = _source(Path(frontends.__file__).parent / "dashboard.py")
    tools = _source(Path(frontends.__file__).parent / "tools.py")
    assert "parse_text(upload.getvalue()" in dashboard
    assert "parse_text(upload.getvalue()" in tools
    for text in (dashboard, tools):
        assert "yaml.load" not in text and "json.loads(upload" not in text


# --- no network -------------------------------------------------------------------------------------

@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch):
    attempts: list[str] = []

    def refuse(*args, **kwargs):
        attempts.append(repr(args)[:200])
        raise OSError("network access is blocked in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket.socket, "sendto", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts
    assert not attempts, f"something tried the network: {attempts}"


def test_every_exam_is_judged_without_the_network(no_network):
    pipeline = default_pipeline()
    judged = set()
    for exam in pipeline.registry.exams.values():
        specialty = sorted(pipeline.registry.specialties(exam.country))[0]
        for sample in sample_profiles(exam, AS_OF, specialty, exam.country):
            try:
                pipeline.evaluate(sample.profile, AS_OF)
            except ProfileError:
                continue
            judged.add(exam.id)
    assert judged == set(pipeline.registry.exams)


def test_the_command_line_works_without_the_network(no_network, tmp_path: Path):
    from core import examples

    runner = CliRunner()
    profile = tmp_path / "p.yaml"
    profile.write_text(examples.text(examples.DEFAULT), encoding="utf-8")
    cohort = tmp_path / "cohort.jsonl"
    cohort.write_text(json.dumps(yaml.safe_load(examples.text(examples.DEFAULT)), default=str) + "\n", encoding="utf-8")
    commands = [
        ["decide", str(profile), "--as-of", "2026-11-25"],
        ["decide", str(profile), "--as-of", "2026-11-25", "--json"],
        ["batch", str(cohort), "-o", str(tmp_path / "out.jsonl"), "--as-of", "2026-11-25", "--no-progress"],
        ["exams", "--json"], ["specialties", "--json"], ["rules", "--json"], ["plugins", "--json"],
    ]
    for command in commands:
        result = runner.invoke(app, command)
        assert result.exit_code == 0, (command, result.output, result.exception)


# --- no user content as HTML -------------------------------------------------------------------------

def test_no_front_end_renders_html():
    frontend_sources = sorted(Path(frontends.__file__).parent.rglob("*.py"))
    risky = re.compile(r"unsafe_allow_html\s*=\s*True|st\.html\(|components\.v1|components\.html|\.markdown\([^)]*html")
    offenders = [f"{p.name}: {m.group(0)}" for p in frontend_sources for m in risky.finditer(_source(p))]
    assert not offenders, offenders


# --- plugins: installed entry points only ------------------------------------------------------------

LOADERS = re.compile(r"spec_from_file_location|SourceFileLoader|runpy\.|exec\(|eval\(|__import__\(|sys\.path\.(insert|append)")


def test_no_module_loads_code_from_a_path():
    offenders = [f"{p}: {m.group(0)}" for p in SOURCES for m in LOADERS.finditer(_source(p))]
    assert not offenders, offenders


def test_a_profile_cannot_name_a_module_or_a_path_to_load(tmp_path: Path):
    marker = tmp_path / "imported"
    evil = tmp_path / "evil_plugin.py"
    evil.write_text(f"open({str(marker)!r}, 'w').close()\n", encoding="utf-8")
    before = set(sys.modules)
    for exam in (str(evil), "evil_plugin", "os.system", "../../plugins/usmle", "plugins.usmle:retake_assess"):
        with pytest.raises(ProfileError, match="not an exam any loaded plugin provides"):
            default_pipeline().evaluate({"exam": exam, "attempts": [{"date": "2025-01-01", "result": "pass"}],
                                         "target": {"country": "US", "specialty": "internal-medicine"}}, AS_OF)
    assert not marker.exists()
    assert "evil_plugin" not in set(sys.modules) - before


def test_retake_plugins_names_entry_points_it_never_imports_paths(tmp_path: Path):
    marker = tmp_path / "imported"
    evil = tmp_path / "evil_plugin.py"
    evil.write_text(f"open({str(marker)!r}, 'w').close()\n", encoding="utf-8")
    registry = build_registry(env={"RETAKE_PLUGINS": f"usmle,{evil},evil_plugin,{tmp_path}"})
    assert {p.name for p in registry.plugins} == {"usmle"}
    assert not marker.exists()
