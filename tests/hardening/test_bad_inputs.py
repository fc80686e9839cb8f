"""The bad-input corpus (tests/data/bad/) through every door: core, `retake decide`, `retake batch`
and the dashboard's upload. Each file must be refused with the message expected.yaml gives it:
a ProfileError naming the field, exit code 2, never a traceback, and no row lost in a batch."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from core.errors import ProfileError
from core.loading import MAX_PROFILE_BYTES, parse_text, read_profile_file
from core.pipeline import default_pipeline
from frontends.cli import app

from days import AS_OF  # the one fixed day (tests/days.py)
BAD = Path(__file__).resolve().parent.parent / "data" / "bad"
EXPECTED: dict[str, dict[str, str]] = yaml.safe_load((BAD / "expected.yaml").read_text(encoding="utf-8"))
CORPUS = sorted(EXPECTED)
VALID_ATTEMPT = "  - date: 2025-09-14\n    score: 221\n"
HEAD = "exam: usmle-step2ck\nattempts:\n" + VALID_ATTEMPT + "target: {country: US, specialty: internal-medicine}\n"

# Generated at test time rather than committed: (file name, bytes, field, message fragment).
GENERATED = [
    ("huge.yaml", (HEAD + "# " + "x" * 98 + "\n") * 3_000, "", "too large for a profile"),
    ("huge-one-line.json", '{"exam": "' + "u" * (MAX_PROFILE_BYTES + 10) + '"}', "", "too large for a profile"),
    ("many-values.yaml", HEAD + "extra:\n" + "".join(f"  - {i}\n" for i in range(6_000)), "",
     "expands to more than 5000 values"),
    ("deep-json.json", '{"a":' * 20_000 + "1" + "}" * 20_000, "", "nested more than 20 levels deep"),
    ("deep-json-in-limits.json", '{"exam": "usmle-step2ck", "x": ' + "[" * 60 + "]" * 60 + "}", "",
     "nested more than 20 levels deep"),
    ("deep-flow-yaml.yaml", "exam: usmle-step2ck\nx: " + "{a: " * 500 + "1" + "}" * 500 + "\n", "", "nested"),
]


def test_the_corpus_is_big_enough_and_every_file_has_an_expectation():
    files = {p.name for p in BAD.iterdir() if p.name != "expected.yaml"}
    assert len(files) >= 40
    assert files == set(EXPECTED), f"files without an expectation: {files ^ set(EXPECTED)}"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("generated-bad")
    paths = {}
    for name, text, _, _ in GENERATED:
        paths[name] = folder / name
        paths[name].write_text(text, encoding="utf-8")
    return paths


def _first_error(exc: ProfileError) -> tuple[str, str]:
    return exc.errors[0].field, str(exc)


@pytest.mark.parametrize("name", CORPUS)
def test_core_refuses_each_file_naming_the_field(name: str):
    expected = EXPECTED[name]
    with pytest.raises(ProfileError) as caught:
        default_pipeline().evaluate(read_profile_file(BAD / name), AS_OF)
    field, text = _first_error(caught.value)
    assert field == expected["field"], text
    assert expected["message"] in text


@pytest.mark.parametrize("name,text,field,message", GENERATED, ids=[g[0] for g in GENERATED])
def test_core_refuses_generated_monsters(generated: dict[str, Path], name: str, text: str, field: str, message: str):
    for load in (lambda: read_profile_file(generated[name]), lambda: parse_text(text.encode("utf-8"), name=name)):
        with pytest.raises(ProfileError) as caught:
            default_pipeline().evaluate(load(), AS_OF)
        assert caught.value.errors[0].field == field
        assert message in str(caught.value)


# --- retake decide ------------------------------------------------------------------------------

def _decide(path: Path, *extra: str):
    result = CliRunner().invoke(app, ["decide", str(path), "--as-of", AS_OF.isoformat(), *extra])
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception  # typer.Exit, never a crash
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("name", CORPUS)
def test_decide_exits_2_with_the_field_named(name: str):
    result = _decide(BAD / name)
    expected = EXPECTED[name]
    assert expected["message"] in result.stderr
    if expected["field"]:
        assert expected["field"] in result.stderr


@pytest.mark.parametrize("name", [g[0] for g in GENERATED])
def test_decide_refuses_generated_monsters(generated: dict[str, Path], name: str):
    _decide(generated[name])


@pytest.mark.parametrize("name", ["unknown-exam.yaml", "binary-junk.yaml", "anchor-bomb.yaml", "impossible-date.yaml"])
def test_decide_json_puts_only_the_errors_on_stdout(name: str):
    result = _decide(BAD / name, "--json")
    payload = json.loads(result.stdout)
    assert payload["exit_code"] == 2
    assert payload["errors"][0]["field"] == EXPECTED[name]["field"]


# --- retake batch: one output row per input row, each naming its problem -------------------------

def _as_jsonl_line(path: Path) -> str:
    """The file as one JSON Lines row: its data when it parses, else a line that is not JSON."""
    try:
        data: Any = read_profile_file(path)
    except ProfileError:
        return f"<<{path.name}: not a JSON object>>"
    return json.dumps(data, default=str)


def test_batch_keeps_every_bad_row_in_order(tmp_path: Path):
    names = CORPUS + ["the valid one"]
    lines = [_as_jsonl_line(BAD / name) for name in CORPUS]
    lines.append(json.dumps(yaml.safe_load(HEAD), default=str))
    source = tmp_path / "cohort.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "verdicts.jsonl"
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(out), "--as-of", AS_OF.isoformat(),
                                      "--no-progress"])
    assert result.exit_code == 3, (result.output, result.exception)  # written, but some rows are errors
    assert isinstance(result.exception, SystemExit)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["row"] for r in records] == list(range(1, len(names) + 1))  # nothing lost, order kept
    for name, record in zip(names, records):
        if name == "the valid one":
            assert record["error"] is None and record["decision"] == "not_allowed"
        else:
            assert record["error"], name
            assert "internal fault" not in record["error"], (name, record["error"])


def test_batch_of_binary_junk_is_refused_cleanly(tmp_path: Path):
    source = tmp_path / "junk.jsonl"
    source.write_bytes((BAD / "binary-junk.yaml").read_bytes())
    result = CliRunner().invoke(app, ["batch", str(source), "--as-of", AS_OF.isoformat(), "--no-progress"])
    assert result.exit_code in (2, 3), result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


# --- the dashboard's upload ----------------------------------------------------------------------

@pytest.mark.slow
def test_dashboard_upload_refuses_each_file_without_crashing():
    from streamlit.testing.v1 import AppTest

    dashboard = importlib.util.find_spec("frontends.dashboard").origin
    at = AppTest.from_file(dashboard, default_timeout=60)
    at.session_state["as_of"] = AS_OF
    at.run()
    assert not at.exception
    for name in CORPUS + [g[0] for g in GENERATED]:
        data = (BAD / name).read_bytes() if (BAD / name).exists() else \
            next(g[1] for g in GENERATED if g[0] == name).encode("utf-8")
        at.file_uploader(key="upload").upload(name, data, "application/x-yaml")
        at.run()
        assert not at.exception, (name, [e.value for e in at.exception])
        shown = [e.value for e in at.error] + [m.value for m in at.markdown if "needs fixing" in m.value]
        assert shown, f"{name}: the dashboard showed no error"
        if EXPECTED.get(name, {}).get("field", "") == "":  # refused at the door: the form keeps what it had
            assert any("Not loaded" in e.value for e in at.error), (name, shown)
