"""Exam-shaped framework output (filled in below)."""

from __future__ import annotations

from typing import Any


def check_overrides(found: Any) -> list[str]:
    return []
