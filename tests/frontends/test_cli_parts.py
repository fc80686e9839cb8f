"""`retake decide`'s short view names a multi-part exam's failing part with its minimum, and a
long-standing minimum is not dated by the sitting."""

from __future__ import annotations

from typer.testing import CliRunner

from frontends.cli import app


def run(*args: str) -> str:
    result = CliRunner().invoke(app, ["decide", *args, "--as-of", "2026-11-25"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    return " ".join(result.stdout.split())


def test_the_failing_skill_comes_first_with_the_gmc_minimum():
    text = run("--example", "ielts-academic-writing-short")
    assert "Parts writing 6.5 (needs 7) · overall 7.5 · listening 8 · reading 8 · speaking 7.5" in text


def test_the_gmc_minimum_is_long_standing_not_in_force_from_the_sitting():
    # It read "Pass mark 7.5 (in force from 2026-09-05)": the sitting's date, not the GMC's.
    text = run("--example", "ielts-academic-writing-short")
    assert "Pass mark 7.5 (long-standing)" in text and "in force from 2026-09-05" not in text


def test_a_dated_pass_mark_keeps_its_date():
    assert "Pass mark 218 (in force from 2025-07-01)" in run("--example", "usmle-step2ck-low-pass")
