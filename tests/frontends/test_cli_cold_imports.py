"""Issue 15: `retake decide` must not pay for modules it never uses (cold start).

Each check runs the command in a fresh interpreter and reads `sys.modules` afterwards, so a top-level
import of a heavy front-end library creeping back onto the decide path fails here rather than only
showing up as a slower `bench/cold_start.py`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources

import pytest

# Loaded by other commands only (report, dashboard, charts, PDF); never by `decide`.
NEVER_FOR_DECIDE = ("streamlit", "altair", "jinja2", "pandas", "numpy", "vl_convert", "weasyprint", "pypdf",
                    "core.testing")  # the contract kit: plugin loading needs only core.rule_checks

_PROBE = """
import json, sys
sys.argv = ["retake", *json.loads(sys.argv[1])]
from frontends.cli import main
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
sys.stderr.write("\\nMODULES " + json.dumps(sorted({m.split(".")[0] for m in sys.modules})) + "\\n")
"""


def _example() -> str:
    return str(resources.files("plugins.usmle").joinpath("examples/usmle-step2ck-low-pass.yaml"))


def _top_level_modules(args: list[str]) -> set[str]:
    done = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(args)], capture_output=True, text=True,
                          timeout=120, check=False)
    line = [part for part in done.stderr.splitlines() if part.startswith("MODULES ")]
    assert line, done.stderr
    assert done.stdout.strip(), done.stderr
    return set(json.loads(line[-1].removeprefix("MODULES ")))


@pytest.mark.parametrize("extra", [["--json"], []], ids=["json", "human"])
def test_decide_does_not_import_heavy_front_end_modules(extra: list[str]) -> None:
    loaded = _top_level_modules(["decide", _example(), "--as-of", "2026-11-25", *extra])
    assert not loaded & set(NEVER_FOR_DECIDE), sorted(loaded & set(NEVER_FOR_DECIDE))


def test_decide_json_does_not_import_rich() -> None:
    loaded = _top_level_modules(["decide", _example(), "--as-of", "2026-11-25", "--json"])
    assert "rich" not in loaded
