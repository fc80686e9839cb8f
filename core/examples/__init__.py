"""Built-in example profiles: the dashboard opens on one, the README walks through them."""

from __future__ import annotations

from importlib import resources
from typing import Any

from core.loading import parse_text

DEFAULT = "usmle-step2ck-low-pass"


def names() -> list[str]:
    return sorted(p.name[:-5] for p in resources.files(__package__).iterdir() if p.name.endswith(".yaml"))


def text(name: str = DEFAULT) -> str:
    return resources.files(__package__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")


def load(name: str = DEFAULT) -> Any:
    return parse_text(text(name), name=f"example {name}")
