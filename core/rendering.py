"""Rule texts rendered over a case's facts: `{case.score:g}`, `{target.specialty_name}`.

A text names a fact type and one of its fields. A field the case lacks renders as '?', a value a
format spec does not fit renders as plain `str`, and a template that cannot render at all (a
positional field, unbalanced braces) is shown as written: a reason is never lost to a typo.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping as _AbcMapping  # isinstance against typing.Mapping is slower
from typing import Any, Mapping, Sequence


class FactView:
    """Lets a reason text say `{case.score:g}`; a missing field renders as '?'."""

    def __init__(self, data: Mapping[str, Any]):
        self._data = data

    def __getattr__(self, name: str) -> Any:
        value = self._data.get(name, "?")
        return FactView(value) if isinstance(value, _AbcMapping) else value

    def __format__(self, spec: str) -> str:
        return "?"


def fact_views(facts: Sequence[Mapping[str, Any]]) -> dict[str, FactView]:
    """One view per fact type (`eligibility`, `predicted_band`, …); the first fact of a type wins."""
    views: dict[str, FactView] = {}
    for one in facts:
        key = str(one.get("t", "")).replace(".", "_").replace("-", "_")
        views.setdefault(key, FactView(one))
    return views


class _Formatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        try:
            return super().format_field(value, format_spec)
        except (TypeError, ValueError):
            return str(value)


_FORMATTER = _Formatter()
_FAILURES = (KeyError, AttributeError, IndexError, ValueError)


def render(text: str, views: Mapping[str, FactView]) -> str:
    """`text` with its fields filled from `views`; the raw text when it cannot be rendered."""
    template = _compiled(text)
    if template is None:
        return render_slowly(text, views)
    if template is _RAW:
        return text
    try:
        out = []
        for literal, first, rest, conversion, spec in template:
            out.append(literal)
            if first is None:
                continue
            value = views[first]
            for key in rest:
                value = getattr(value, key)
            if conversion is not None:
                value = _CONVERSIONS[conversion](value)
            out.append(_FORMATTER.format_field(value, spec))
        return "".join(out)
    except _FAILURES:
        return text


def render_slowly(text: str, views: Mapping[str, FactView]) -> str:
    """The reference: string.Formatter on every call (what `render` must always agree with)."""
    try:
        return _FORMATTER.vformat(text, (), views)
    except _FAILURES:
        return text


# Rule texts are rule data, so each is parsed once (string.Formatter re-parses on every call,
# about 1 µs more per text, 18 texts per verdict). Only the public `Formatter.parse` is used:
# a field name is split on dots here, and anything else (an index lookup, a nested spec) is
# left to `render_slowly`.
_RAW: list = []
_CONVERSIONS = {"s": str, "r": repr, "a": ascii}


@functools.lru_cache(maxsize=4096)
def _compiled(text: str) -> list | None:
    """[(literal, first name, (attribute, ...), conversion, spec)], _RAW when rendering always
    fails (so the raw text is shown), None when only string.Formatter itself can say."""
    pieces = []
    always_fails = False
    try:
        for literal, field_name, spec, conversion in _FORMATTER.parse(text):
            if field_name is None:
                pieces.append((literal, None, (), None, ""))
                continue
            if (spec and ("{" in spec or "}" in spec)) or "[" in field_name or "]" in field_name:
                return None  # a nested replacement field or an index lookup
            first, *rest = field_name.split(".")
            if any(part == "" for part in rest):
                return _RAW  # "a..b": vformat raises ValueError, render shows the text
            if first == "" or first.isdecimal() or (conversion is not None and conversion not in _CONVERSIONS):
                always_fails = True  # a positional field (there are no positional values) or a bad conversion
            pieces.append((literal, first, tuple(rest), conversion, spec or ""))
    except ValueError:
        return _RAW  # unbalanced braces: vformat raises ValueError, render shows the text
    return _RAW if always_fails else pieces
