"""The README's example blocks are real runs: each is what its file holds or its command prints now.

When this fails, run `python docs/make_readme_examples.py` and read the diff before committing it.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("make_readme_examples", ROOT / "docs" / "make_readme_examples.py")
readme = importlib.util.module_from_spec(spec)
spec.loader.exec_module(readme)


@pytest.mark.slow
def test_every_readme_example_block_matches_a_fresh_run() -> None:
    text = readme.README.read_text()
    blocks = readme.BLOCK.findall(text)
    assert len(blocks) >= 8, "the README lost its example blocks"
    _, changed = readme.render(text)
    assert changed == [], f"README blocks out of date (run python docs/make_readme_examples.py): {changed}"


def test_a_changed_output_is_caught() -> None:
    text = "<!-- file: pyproject.toml -->\n```toml\nnot the file\n```\n<!-- /file -->\n"
    new, changed = readme.render(text)
    assert changed == ["file: pyproject.toml"] and "[project]" in new
