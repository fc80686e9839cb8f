"""The guide's worked pass/fail-only plugin (docs/writing-plugins.md) is real code: it passes the
contract kit and decides as the guide says."""

from __future__ import annotations

import re
import types
from datetime import date
from pathlib import Path

from core.testing import check_plugin, registered_plugin

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "writing-plugins.md"


def guide_plugin() -> types.ModuleType:
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("### A worked pass/fail-only exam", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    module = types.ModuleType("retake_pfx")
    exec(compile(code, "retake_pfx.py", "exec"), module.__dict__)  # noqa: S102 - our own guide's code
    return module


def test_the_guides_pass_fail_plugin_passes_the_contract_kit_and_decides():
    plugin = guide_plugin()
    assert check_plugin(plugin, "pfx").problems == []
    target = {"country": "NZ", "specialty": "internal-medicine"}
    with registered_plugin(plugin, "pfx", as_default=False) as pipeline:
        passed = pipeline.evaluate({"exam": "pfx-clinical", "target": target, "attempts": [
            {"date": "2025-01-10", "result": "fail"}, {"date": "2025-06-10", "result": "pass"}]}, date(2026, 6, 1))
        assert passed.decision == "not_allowed" and "pfx.passed-final" in [r.rule for r in passed.reasons]
        assert {f.id: f.text for f in passed.red_flags}["prior-failure"].startswith("A failed PFX Clinical")
        standing = pipeline.evaluate({"exam": "pfx-clinical", "target": target, "attempts": [
            {"date": "2025-01-10", "result": "no_standing"}]}, date(2026, 6, 1))
        assert standing.decision == "retake_required"
