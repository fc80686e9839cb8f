"""Errors as values the front ends can render: a field path, what was given, what is allowed."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class FieldError:
    """One problem with the input, located by a dotted field path such as `attempts[1].score`."""

    field: str
    message: str
    given: Any = None
    allowed: str = ""

    def __str__(self) -> str:
        text = f"{self.field}: {self.message}" if self.field else self.message
        if self.allowed and self.allowed not in text:
            text += f" (allowed: {self.allowed})"
        return text

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if not _json_safe(data["given"]):
            data["given"] = repr(data["given"])
        return data


def _json_safe(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


class RetakeError(Exception):
    """Base class for every error this product raises on purpose."""


class ProfileError(RetakeError, ValueError):
    """The profile (or a file holding it) is not acceptable; `errors` says where and why."""

    def __init__(self, errors: list[FieldError] | FieldError):
        self.errors: list[FieldError] = [errors] if isinstance(errors, FieldError) else list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))

    @classmethod
    def single(cls, field: str, message: str, given: Any = None, allowed: str = "") -> "ProfileError":
        return cls(FieldError(field, message, given, allowed))


class PluginError(RetakeError):
    """A plugin failed to load, register or answer a hook. `plugin` names it."""

    def __init__(self, plugin: str, stage: str, detail: str):
        self.plugin, self.stage, self.detail = plugin, stage, detail
        super().__init__(f"plugin {plugin!r} failed while {stage}: {detail}")


class EngineError(RetakeError):
    """The rules engine failed (an action raised, or the rule base concluded nothing coherent)."""


class Stopped(SystemExit):
    """A stop asked for from outside (SIGTERM, SIGHUP): never a plugin's fault.

    The batch's signal handler raises it on the main thread, wherever the program is, plugin code
    included; the plugin guard re-raises it instead of reading it as the plugin calling sys.exit().
    """
