"""Example profiles shipped by plugins (filled in below)."""

from __future__ import annotations

from typing import Any


def check_examples(found: Any) -> list[str]:
    return []
