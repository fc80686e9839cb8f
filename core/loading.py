"""Reading profiles from YAML or JSON text, safely.

YAML is read with the safe loader only (no Python objects), inputs are capped in size, and alias
expansion is bounded so an "anchor bomb" cannot blow up memory. Errors name what was wrong.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from core.errors import ProfileError

MAX_PROFILE_BYTES = 256 * 1024
MAX_NODES = 5_000  # a real profile has well under 200 YAML nodes
MAX_DEPTH = 20


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses documents with too many nodes or too deep nesting."""

    def __init__(self, stream: Any):
        super().__init__(stream)
        self._nodes = 0

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise yaml.YAMLError(f"the document expands to more than {MAX_NODES} values")
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:
            # A scalar YAML reads as a date or number that cannot exist (2025-02-30): the
            # constructor raises a bare ValueError; report it as a YAML error at its position.
            if isinstance(exc, yaml.YAMLError):
                raise
            what = repr(node.value) if isinstance(node, yaml.ScalarNode) else "this value"
            raise yaml.constructor.ConstructorError(
                None, None, f"{what[:80]} is not a valid value here ({exc})", node.start_mark,
            ) from None

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> Any:
        # Last-one-wins hides a typo'd copy of a field: a key given twice is refused, named.
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    key = key_node.value
                    if key in seen:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"the key {key[:80]!r} is given twice (each field once)", key_node.start_mark)
                    seen.add(key)
        return super().construct_mapping(node, deep)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        depth = getattr(self, "_depth", 0) + 1
        if depth > MAX_DEPTH:
            raise yaml.YAMLError(f"the document is nested more than {MAX_DEPTH} levels deep")
        self._depth = depth
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth = depth - 1


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ProfileError.single(_escape(key), "is given twice in the same object (each field once)",
                                      allowed="each key once")
        seen[key] = value
    return seen


def _escape(text: str) -> str:
    """`text` with control characters shown as escapes, for echoing it safely in a message."""
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in str(text))[:200]


def _count_expanded(value: Any, budget: list[int], depth: int = 1) -> None:
    # Aliases share objects, so a small document can stand for a huge tree: count what a reader sees.
    # JSON skips the YAML loader's depth guard, so depth is checked here for both.
    budget[0] -= 1
    if budget[0] < 0:
        raise ProfileError.single("", f"the profile expands to more than {MAX_NODES} values (YAML aliases?)",
                                  allowed="a plain profile without alias bombs")
    if depth > MAX_DEPTH:
        raise _too_deep()
    if isinstance(value, dict):
        for item in value.values():
            _count_expanded(item, budget, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _count_expanded(item, budget, depth + 1)


def parse_text(text: str | bytes, name: str = "profile") -> Any:
    """Parse YAML or JSON text (JSON is YAML's subset; JSON is tried first for speed)."""
    if isinstance(text, bytes):
        if len(text) > MAX_PROFILE_BYTES:
            raise _too_big(name, len(text))
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ProfileError.single("", f"{name} is not UTF-8 text", allowed="a YAML or JSON text file") from None
    if len(text.encode("utf-8", "surrogatepass")) > MAX_PROFILE_BYTES:
        raise _too_big(name, len(text))
    if "\x00" in text:
        raise ProfileError.single("", f"{name} contains binary data", allowed="a YAML or JSON text file")
    if not text.strip():
        raise ProfileError.single("", f"{name} is empty", allowed="a YAML or JSON profile (see examples/)")
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            data = json.loads(text, object_pairs_hook=_refuse_duplicate_keys)
        except json.JSONDecodeError:
            data = _yaml(text, name)
        except RecursionError:  # Python 3.10-3.13 at about 1,000 levels; 3.14's parser goes deeper
            raise _too_deep() from None
    else:
        data = _yaml(text, name)
    _count_expanded(data, [MAX_NODES])
    return data


def _yaml(text: str, name: str) -> Any:
    try:
        return yaml.load(text, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ProfileError.single("", f"{name} is not valid YAML or JSON{where}: {problem}",
                                  allowed="a YAML or JSON profile (see examples/)") from None
    except RecursionError:
        raise _too_deep() from None


def _too_deep() -> ProfileError:
    """One message for a too-deep profile, whichever guard sees it first (the depth count, or the
    parser's recursion limit, which Python 3.14 reaches later than 3.13 did)."""
    return ProfileError.single("", f"the profile is nested more than {MAX_DEPTH} levels deep",
                               allowed=f"at most {MAX_DEPTH} levels")


def _too_big(name: str, size: int) -> ProfileError:
    return ProfileError.single("", f"{name} is {size:,} bytes, too large for a profile",
                               allowed=f"at most {MAX_PROFILE_BYTES:,} bytes")


def read_profile_file(path: str | Path) -> Any:
    """Read and parse one profile file (YAML or JSON)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ProfileError.single("PROFILE", f"file not found: {path}", allowed="a path to a YAML or JSON file") from None
    except OSError as exc:
        raise ProfileError.single("PROFILE", f"cannot read {path}: {exc.strerror}") from None
    if path.is_dir():
        raise ProfileError.single("PROFILE", f"{path} is a folder", allowed="a path to a YAML or JSON file")
    if size > MAX_PROFILE_BYTES:
        raise _too_big(str(path), size)
    try:
        # Read at most one byte past the cap: a device (/dev/zero) or a pipe (<(yes)) reports
        # size 0 and would otherwise be read until memory runs out.
        with path.open("rb") as stream:
            data = stream.read(MAX_PROFILE_BYTES + 1)
        return parse_text(data, name=str(path))
    except OSError as exc:
        raise ProfileError.single("PROFILE", f"cannot read {path}: {exc.strerror}") from None
