"""Meta-tests (the datasette habit): every hook is documented in the plugin guide and exercised by a test.

Adding a hookspec to core/hookspecs.py without a section in docs/writing-plugins.md (a
`### \\`hook_name\\`` heading with the signature and an example) or without a test named after it
(`test_<hook_name>…` anywhere under tests/) fails here.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from core import hookspecs

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "writing-plugins.md"
TESTS = ROOT / "tests"


def hook_names() -> list[str]:
    marker = f"{hookspecs.PROJECT}_spec"
    return sorted(name for name, value in vars(hookspecs).items() if callable(value) and hasattr(value, marker))


def guide_sections(text: str) -> dict[str, str]:
    """Level-3 sections of the guide keyed by their heading text (backticks stripped)."""
    sections: dict[str, str] = {}
    for match in re.finditer(r"^### (.+?)\n(.*?)(?=^#{1,3} |\Z)", text, flags=re.M | re.S):
        sections[match.group(1).strip().strip("`")] = match.group(2)
    return sections


def undocumented(hooks: list[str], guide: str) -> list[str]:
    sections = guide_sections(guide)
    missing = []
    for hook in hooks:
        body = sections.get(hook)
        if body is None or f"def {hook}(" not in body or "```python" not in body:
            missing.append(hook)
    return missing


def collected_test_names() -> set[str]:
    names: set[str] = set()
    for path in TESTS.rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_"):
                names.add(node.name)
    return names


def untested(hooks: list[str], names: set[str]) -> list[str]:
    return [hook for hook in hooks
            if not any(name == f"test_{hook}" or name.startswith(f"test_{hook}_") for name in names)]


def test_there_are_hooks_to_check():
    assert hook_names() == ["retake_assess", "retake_register_examples", "retake_register_exams", "retake_register_rules",
                            "retake_register_specialties"]


@pytest.mark.parametrize("hook", hook_names())
def test_every_hook_has_a_section_in_the_plugin_guide(hook):
    assert undocumented([hook], GUIDE.read_text(encoding="utf-8")) == [], (
        f"docs/writing-plugins.md needs a '### `{hook}`' section with its signature (def {hook}(...)) and a "
        "```python example")


@pytest.mark.parametrize("hook", hook_names())
def test_every_hook_is_exercised_by_a_test_named_after_it(hook):
    assert untested([hook], collected_test_names()) == [], f"add a test named test_{hook}_… that exercises the hook"


@pytest.mark.parametrize("hook", hook_names())
def test_every_hookspec_documents_its_parameters(hook):
    function = getattr(hookspecs, hook)
    doc = inspect.getdoc(function) or ""
    for parameter in inspect.signature(function).parameters:
        assert f":param {parameter}:" in doc, f"{hook}'s docstring must document :param {parameter}:"
    assert "Since " in doc, f"{hook}'s docstring must say which version it appeared in"


def test_the_meta_tests_catch_a_new_hook():
    hooks = hook_names() + ["retake_register_deadlines"]
    assert undocumented(hooks, GUIDE.read_text(encoding="utf-8")) == ["retake_register_deadlines"]
    assert untested(hooks, collected_test_names()) == ["retake_register_deadlines"]
    assert untested(["retake_assess"], {"test_retake_assessment_is_not_a_match"}) == ["retake_assess"]


def test_the_readme_links_the_plugin_guide():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section: plugins -->", 1)[1].split("<!-- /section: plugins -->", 1)[0]
    assert "docs/writing-plugins.md" in section
