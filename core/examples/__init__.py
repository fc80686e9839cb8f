"""Old reader of the built-in examples, kept for the readers not moved yet (the dashboard, some tests).

The profiles themselves now ship with their plugins (`plugins/*/examples/*.yaml`, registered
through the `retake_register_examples` hook): read them with `core.plugin_examples`
(`all_examples`, `find_example`, `default_example`). These three functions answer from there,
over the process-wide pipeline's plugins; this module goes once nothing imports it.
"""

from __future__ import annotations

from typing import Any

from core.plugin_examples import DEFAULT, all_examples, find_example

__all__ = ["DEFAULT", "load", "names", "text"]


def names() -> list[str]:
    return [example.name for example in all_examples()]


def text(name: str = DEFAULT) -> str:
    example = find_example(name)
    if example.text:
        return example.text
    import yaml

    return yaml.safe_dump(example.data(), sort_keys=False)


def load(name: str = DEFAULT) -> Any:
    return find_example(name).data()
