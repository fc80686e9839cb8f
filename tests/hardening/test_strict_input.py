"""Input validated strictly and explained (issue 16, item 3): each finding of the adversarial run,
as a test through core and through the installed `retake` program."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from core.errors import ProfileError
from core.loading import parse_text, read_profile_file
from core.pipeline import default_pipeline

AS_OF = date(2026, 11, 25)
USMLE = {"exam": "usmle-step2ck", "attempts": [{"date": "2025-09-14", "score": 221}],
         "target": {"country": "US", "specialty": "internal-medicine"}}
RETAKE = [sys.executable, "-m", "frontends.cli"]


def refused(profile: dict) -> list[tuple[str, str]]:
    with pytest.raises(ProfileError) as caught:
        default_pipeline().evaluate(profile, AS_OF)
    return [(e.field, e.message) for e in caught.value.errors]


def with_attempt(**changes) -> dict:
    return {**USMLE, "attempts": [{**USMLE["attempts"][0], **changes}]}


@pytest.mark.parametrize("changes,field", [
    ({"score": True}, "attempts[0].score"),
    ({"pass_mark": False}, "attempts[0].pass_mark"),
    ({"date": 0}, "attempts[0].date"),
    ({"date": 86400}, "attempts[0].date"),
    ({"date": "1025-09-14"}, "attempts[0].date"),
    ({"date": "9999-12-31"}, "attempts[0].date"),
    ({"pass_mark": 214}, "attempts[0].pass_mark"),
])
def test_attempt_fields_are_strict(changes, field):
    assert field in [f for f, _ in refused(with_attempt(**changes))]


def test_a_user_pass_mark_never_overrides_usmles_fixed_standard():
    problems = refused(with_attempt(date="2025-09-14", score=216, pass_mark=214))
    assert ("attempts[0].pass_mark" in [f for f, _ in problems])
    assert any("does not set a pass mark per sitting" in m for _, m in problems)


@pytest.mark.parametrize("section,key,value", [
    ("application", "postgraduate_qualification", 1), ("application", "clinical_experience_months", True),
    ("plan", "months_to_application", True), ("exceptions", "time_limit_expired", 0),
])
def test_numbers_and_booleans_are_not_interchangeable(section, key, value):
    assert f"{section}.{key}" in [f for f, _ in refused({**USMLE, section: {key: value}})]


def test_countries_are_checked_against_iso_3166_and_yaml_no_is_norway():
    assert "target.country" in [f for f, _ in refused({**USMLE, "target": {**USMLE["target"], "country": "ZZ"}})]
    data = parse_text("exam: usmle-step2ck\nattempts: [{date: 2025-09-14, score: 221}]\n"
                      "target: {country: NO, specialty: internal-medicine}\n")
    from core.profile import parse_profile

    assert parse_profile(data).target.country == "NO"


@pytest.mark.parametrize("text", ['{"exam": "a", "exam": "b"}', "exam: a\nexam: b\n",
                                  '{"target": {"country": "US", "country": "GB"}}'])
def test_duplicate_keys_are_refused_naming_the_key(text):
    with pytest.raises(ProfileError) as caught:
        parse_text(text)
    assert "given twice" in str(caught.value) and ("exam" in str(caught.value) or "country" in str(caught.value))


def test_reads_are_capped_for_devices():
    with pytest.raises(ProfileError, match="too large"):
        read_profile_file("/dev/zero")


def run(*args: str, stdin: str | None = None, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, **kwargs.pop("env", {})}
    return subprocess.run([*RETAKE, *args], input=stdin, capture_output=True, text=True, env=env, timeout=60, **kwargs)


def test_json_errors_are_always_valid_json(tmp_path: Path):
    profile = tmp_path / "p.json"
    profile.write_text('{"exam": "usmle-step2ck", "attempts": [{"date": "2025-09-14", "score": NaN}],'
                       ' "target": {"country": "US", "specialty": "internal-medicine"}}')
    result = run("decide", str(profile), "--json", "--as-of", "2026-11-25")
    assert result.returncode == 2
    json.loads(result.stdout)  # strict: no NaN/Infinity literals
    assert "NaN" not in result.stdout.replace('"nan"', "")


def test_control_characters_in_echoed_values_are_escaped(tmp_path: Path):
    profile = tmp_path / "p.yaml"
    profile.write_text(json.dumps({**USMLE, "exam": "usmle\u001b[31m-red"}))
    result = run("decide", str(profile), "--as-of", "2026-11-25")
    assert result.returncode == 2 and "\u001b" not in result.stderr and "\\x1b" in result.stderr


def test_as_of_before_1900_is_a_usage_error():
    result = run("exams", "--as-of", "1800-01-01")
    assert result.returncode == 2 and "outside 1900-2100" in result.stderr and "Traceback" not in result.stderr


def test_a_full_stdout_is_a_usage_error_with_a_plain_message():
    with open("/dev/full", "w") as full:
        result = subprocess.run([*RETAKE, "exams", "--json"], stdout=full, stderr=subprocess.PIPE, text=True,
                                timeout=60)
    assert result.returncode == 2 and "cannot write the output" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_closed_stdout_is_a_usage_error_with_a_plain_message():
    result = subprocess.run(" ".join([*RETAKE, "exams"]) + " >&-", shell=True, stderr=subprocess.PIPE, text=True,
                            timeout=60)
    assert result.returncode == 2 and "closed" in result.stderr


def test_retake_debug_shows_a_traceback_for_a_plugin_fault(tmp_path: Path):
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({**USMLE, "exam": "exiting-exam"}))
    here = Path(__file__).parent / "guest_plugins"
    site = tmp_path / "site"
    info = site / "retake_exits-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: retake-exits\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[retake.plugins]\nexits = exits_in_hooks\n")
    env = {"PYTHONPATH": os.pathsep.join([str(site), str(here)]), "RETAKE_DEBUG": "1",
           "RETAKE_PLUGINS": "usmle,exits"}
    result = run("decide", str(profile), "--as-of", "2026-11-25", env=env)
    assert result.returncode == 1
    assert "internal fault in plugin 'exits'" in result.stderr and "Traceback" in result.stderr
    assert "SystemExit" in result.stderr
