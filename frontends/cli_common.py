"""Shared plumbing of the `retake` commands: exit codes, messages on stderr, errors as JSON or text.

Every command module (cli, cli_decide, cli_batch, cli_listings) reports through these, so an error
looks the same whichever command met it. Nothing here imports core at start-up.
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any, Iterator, NoReturn, Optional

import typer

if TYPE_CHECKING:  # pragma: no cover
    from core.errors import ProfileError
    from core.plugins import Registry

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_ROW_ERRORS = 0, 1, 2, 3


def _say(message: str) -> None:
    typer.echo(message, err=True)


# Set by each command that has --json: its errors then also go to stdout as one JSON object.
_JSON_ERRORS = {"on": False}


def _json_errors(on: bool) -> None:
    _JSON_ERRORS["on"] = on


def _fail(message: str, code: int = EXIT_USAGE, allowed: str = "") -> NoReturn:
    if _JSON_ERRORS["on"]:
        _emit_json({"errors": [{"field": "", "message": message, "given": None, "allowed": allowed}],
                    "exit_code": code})
    _say(f"error: {message}" + (f" (allowed: {allowed})" if allowed else ""))
    raise typer.Exit(code)


def _finite(value: Any) -> Any:
    """`value` with every NaN/Infinity float as a string: `--json` output is always valid JSON."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return repr(value)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _emit_json(value: Any) -> None:
    try:
        text = json.dumps(value, indent=2, ensure_ascii=False, default=str, allow_nan=False)
    except ValueError:  # a NaN or an infinity somewhere (a given value echoed back)
        text = json.dumps(_finite(value), indent=2, ensure_ascii=False, default=str, allow_nan=False)
    sys.stdout.write(text + "\n")


def _escaped(value: Any) -> str:
    """A value the user gave, safe to echo to a terminal: control characters (escape sequences,
    carriage returns, NULs) shown as Python escapes."""
    text = str(value)
    if all(ch.isprintable() for ch in text):
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _debug_traceback(exc: BaseException) -> None:
    """With RETAKE_DEBUG=1, every internal fault also shows its traceback (plugin and engine ones too)."""
    import os
    import traceback

    if os.environ.get("RETAKE_DEBUG", "").strip() not in ("", "0"):
        _say("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip())


def _print_profile_error(exc: "ProfileError", rename: dict[str, str] | None = None) -> None:
    rename = rename or {}
    _say("error: the input is not acceptable:" if len(exc.errors) > 1 else "error: the input is not acceptable")
    for one in exc.errors:
        field = _escaped(rename.get(one.field, one.field))
        line = f"{field}: {_escaped(one.message)}" if field else _escaped(one.message)
        if one.given is not None and _escaped(one.given) not in line:
            line += f" (given: {_escaped(one.given)})"
        if one.allowed and one.allowed not in line:
            line += f" (allowed: {one.allowed})"
        _say(f"  - {line}")


@contextmanager
def _handled(as_json: bool = False, rename: dict[str, str] | None = None) -> Iterator[None]:
    """Turn core's errors into exit codes and messages: never a traceback."""
    from core.errors import EngineError, PluginError, ProfileError

    as_json = as_json or _JSON_ERRORS["on"]
    try:
        yield
    except ProfileError as exc:
        if as_json:
            _emit_json({"errors": [
                {**one.to_dict(), "field": (rename or {}).get(one.field, one.field)} for one in exc.errors
            ], "exit_code": EXIT_USAGE})
        _print_profile_error(exc, rename)
        raise typer.Exit(EXIT_USAGE) from None
    except PluginError as exc:
        _debug_traceback(exc)
        if as_json:
            _emit_json({"errors": [{"plugin": exc.plugin, "stage": exc.stage, "message": exc.detail}],
                        "exit_code": EXIT_INTERNAL})
        _json_errors(False)
        _fail(f"internal fault in plugin {exc.plugin!r} while {exc.stage}: {exc.detail}", EXIT_INTERNAL)
    except EngineError as exc:
        _debug_traceback(exc)
        if as_json:
            _emit_json({"errors": [{"engine": True, "message": str(exc)}], "exit_code": EXIT_INTERNAL})
        _json_errors(False)
        _fail(f"internal fault in the rules engine: {exc}", EXIT_INTERNAL)


def _parse_day(value: Optional[str], option: str = "--as-of") -> date:
    if value is None:
        return date.today()
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        _fail(f"{option}: {_escaped(repr(value))} is not a date", allowed="YYYY-MM-DD, e.g. 2026-11-25")
    if not 1900 <= day.year <= 2100:
        _fail(f"{option}: {day.isoformat()} is outside 1900-2100 (a typo in the year?)",
              allowed="a day between 1900-01-01 and 2100-12-31")
    return day


def _registry() -> "Registry":
    from core.plugins import build_registry

    with _handled():
        registry = build_registry()
    return registry


def _warn_load_errors(registry: "Registry") -> None:
    for info in registry.load_errors:
        _say(f"warning: plugin {info.name!r} did not load and is skipped ({info.error}); see `retake plugins`")
