"""Finding and loading country plugins.

Built-in and third-party plugins load the same way: from the entry-point group `retake.plugins`.
A plugin that fails to import, register or answer is reported by name and skipped; the rest keep
working. `RETAKE_STRICT_PLUGINS=1` turns such a failure into an error (for plugin authors).
`RETAKE_PLUGINS=usmle,plab` narrows which entry points load.

Every hook call has a time limit (`RETAKE_PLUGIN_TIMEOUT` seconds; see `core.timeouts`): a
registration hook that hangs fails its plugin's load, a `retake_assess` that hangs fails that
verdict with a PluginError naming the plugin.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata
from typing import Any, Iterable, Mapping

import pluggy

from core import hookspecs
from core.candidate import Candidate
from core.context import DEFAULT_SPECIALTIES, Specialty
from core.errors import PluginError, ProfileError
from core.exams import Assessment, ExamSpec
from core.model import Profile
from core.rules import Rule
from core.timeouts import HookTimedOut, call_in_thread, call_with_deadline

ENTRY_POINT_GROUP = "retake.plugins"
# Seconds a plugin may take to answer: registration hooks (once, at load) and retake_assess (per
# verdict, which normally takes microseconds). RETAKE_PLUGIN_TIMEOUT overrides both.
REGISTER_TIMEOUT = 10.0
ASSESS_TIMEOUT = 5.0
EXAM_ID = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass
class PluginInfo:
    """What `retake plugins` shows for one plugin."""

    name: str
    version: str
    origin: str  # "entry point" or "registered in code"
    exams: list[str] = field(default_factory=list)
    rules: int = 0
    specialties: int = 0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "version": self.version, "origin": self.origin, "exams": self.exams,
            "rules": self.rules, "specialties": self.specialties, "error": self.error,
        }


def strict_from_env(env: Mapping[str, str] | None = None) -> bool:
    value = (env if env is not None else os.environ).get("RETAKE_STRICT_PLUGINS", "")
    return value.strip().lower() in ("1", "true", "yes", "on")


def timeouts_from_env(env: Mapping[str, str] | None = None) -> tuple[float, float]:
    """(registration, assess) time limits in seconds; RETAKE_PLUGIN_TIMEOUT sets both."""
    value = (env if env is not None else os.environ).get("RETAKE_PLUGIN_TIMEOUT", "").strip()
    try:
        seconds = float(value) if value else None
    except ValueError:
        seconds = None
    if seconds is None or not seconds > 0:
        return REGISTER_TIMEOUT, ASSESS_TIMEOUT
    return seconds, seconds


def _wanted_from_env(env: Mapping[str, str] | None = None) -> set[str] | None:
    value = (env if env is not None else os.environ).get("RETAKE_PLUGINS")
    if value is None:
        return None
    return {name.strip() for name in value.split(",") if name.strip()}


def _version_of(entry_point: metadata.EntryPoint | None, plugin: object) -> str:
    if entry_point is not None and entry_point.dist is not None:
        return entry_point.dist.version
    return str(getattr(plugin, "__version__", "0"))


class Registry:
    """The loaded plugins and everything they registered. Front ends read it; core evaluates with it."""

    def __init__(self, strict: bool = False, register_timeout: float | None = REGISTER_TIMEOUT,
                 assess_timeout: float | None = ASSESS_TIMEOUT):
        self.strict = strict
        self.register_timeout = register_timeout
        self.assess_timeout = assess_timeout
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.plugins: list[PluginInfo] = []
        self.exams: dict[str, ExamSpec] = {}
        self.rules: list[Rule] = []
        self._specialties: list[Specialty] = list(DEFAULT_SPECIALTIES)
        self._assess_callers: dict[str, tuple[frozenset[int], Any]] = {}  # plugin -> (registered set, caller)

    # --- loading ------------------------------------------------------------------------------

    def load_entry_points(self, env: Mapping[str, str] | None = None) -> None:
        wanted = _wanted_from_env(env)
        seen: set[str] = set()
        for entry_point in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name):
            if entry_point.name in seen:  # the same distribution visible twice on sys.path
                continue
            seen.add(entry_point.name)
            if wanted is not None and entry_point.name not in wanted:
                continue
            try:
                plugin = entry_point.load()
            except Exception as exc:  # noqa: BLE001 - any import failure is the plugin's, reported by name
                self._fail(PluginInfo(entry_point.name, _version_of(entry_point, None), "entry point"),
                           "importing", exc)
                continue
            self.add(plugin, entry_point.name, version=_version_of(entry_point, plugin), origin="entry point")

    def add(self, plugin: object, name: str, version: str | None = None, origin: str = "registered in code") -> PluginInfo:
        """Register one plugin object or module and collect what it provides."""
        info = PluginInfo(name, version or _version_of(None, plugin), origin)
        try:
            self.pm.register(plugin, name=name)
            self.pm.check_pending()
        except Exception as exc:  # noqa: BLE001 - misspelt hooks, double registration, …
            if self.pm.is_registered(plugin):
                self.pm.unregister(plugin)
            self._fail(info, "registering", exc)
            return info

        exams: list[ExamSpec] = []
        rules: list[Rule] = []
        specialties: list[Specialty] = []
        try:
            self._call_registration_hooks(name, {"retake_register_exams": exams, "retake_register_rules": rules,
                                                 "retake_register_specialties": specialties})
            problems = self._check(name, exams, rules, specialties)
            if problems:
                raise ValueError("; ".join(problems))
        except Exception as exc:  # noqa: BLE001 - a plugin's fault, reported by name
            self.pm.unregister(plugin)
            self._fail(info, "answering its registration hooks", exc)
            return info

        for exam in exams:
            object.__setattr__(exam, "plugin", name)
            self.exams[exam.id] = exam
        self.rules.extend(rules)
        self._specialties.extend(specialties)
        info.exams = [e.id for e in exams]
        info.rules, info.specialties = len(rules), len(specialties)
        self.plugins.append(info)
        return info

    def _call_one(self, plugin_name: str, hook_name: str, **kwargs: Any) -> Any:
        """Call one plugin's implementation of a hook (others are not consulted)."""
        impl = self._impl(plugin_name, hook_name)
        if impl is None:
            return None
        return impl.function(*[kwargs[arg] for arg in impl.argnames])

    def _impl(self, plugin_name: str, hook_name: str) -> Any:
        for impl in getattr(self.pm.hook, hook_name).get_hookimpls():
            if impl.plugin_name == plugin_name:
                return impl
        return None

    def _call_registration_hooks(self, plugin_name: str, found: dict[str, list[Any]]) -> None:
        """A plugin's registration hooks, in order, in one thread bounded by the time limit. Once the
        limit has passed, anything the hooks still register from the abandoned thread is ignored."""
        state = {"open": True, "hook": ""}

        def call() -> None:
            for hook_name, items in found.items():
                state["hook"] = hook_name

                def register(item: Any, items: list[Any] = items) -> None:
                    if state["open"]:
                        items.append(item)

                self._call_one(plugin_name, hook_name, register=register)

        try:
            call_in_thread(call, (), self.register_timeout, f"{plugin_name}-registration")
        except HookTimedOut as exc:
            state["open"] = False
            raise TimeoutError(f"{state['hook']} {exc}") from None

    def _check(self, name: str, exams: list[ExamSpec], rules: list[Rule], specialties: list[Specialty]) -> list[str]:
        problems: list[str] = []
        for exam in exams:
            if not isinstance(exam, ExamSpec):
                problems.append(f"registered {type(exam).__name__}, not an ExamSpec")
                continue
            if not EXAM_ID.match(exam.id):
                problems.append(f"exam id {exam.id!r} must be lower-case words joined by dashes")
            if exam.id in self.exams:
                problems.append(f"exam id {exam.id!r} is already registered by plugin {self.exams[exam.id].plugin!r}")
        known_rules = {r.id for r in self.rules}
        for rule in rules:
            if not isinstance(rule, Rule):
                problems.append(f"registered {type(rule).__name__}, not a Rule")
                continue
            problems.extend(rule.problems())
            if rule.id in known_rules:
                problems.append(f"rule id {rule.id!r} is already registered")
        for specialty in specialties:
            if not isinstance(specialty, Specialty):
                problems.append(f"registered {type(specialty).__name__}, not a Specialty")
                continue
            problems.extend(specialty.problems())
        return problems

    def _fail(self, info: PluginInfo, stage: str, exc: BaseException) -> None:
        info.error = f"{type(exc).__name__} while {stage}: {exc}"
        self.plugins.append(info)
        if self.strict:
            raise PluginError(info.name, stage, f"{type(exc).__name__}: {exc}") from exc

    # --- queries ------------------------------------------------------------------------------

    @property
    def load_errors(self) -> list[PluginInfo]:
        return [p for p in self.plugins if not p.ok]

    def plugin_versions(self) -> dict[str, str]:
        return {p.name: p.version for p in self.plugins if p.ok}

    def exam(self, exam_id: str) -> ExamSpec:
        try:
            return self.exams[exam_id.lower()]
        except KeyError:
            raise ProfileError.single(
                "exam", "is not an exam any loaded plugin provides", given=exam_id,
                allowed=", ".join(sorted(self.exams)) or "(no exam plugins are loaded)",
            ) from None

    def specialties(self, country: str | None = None) -> dict[str, Specialty]:
        """Specialties for a target country: core's defaults overridden by that country's plugins."""
        found = {s.id: s for s in self._specialties if s.country is None}
        if country is not None:
            found.update({s.id: s for s in self._specialties if s.country == country})
        return found

    def all_specialties(self) -> list[Specialty]:
        return list(self._specialties)

    def specialty(self, specialty_id: str, country: str) -> Specialty:
        available = self.specialties(country)
        try:
            return available[specialty_id]
        except KeyError:
            raise ProfileError.single(
                "target.specialty", f"is not a specialty known for {country}", given=specialty_id,
                allowed=", ".join(sorted(available)),
            ) from None

    def assess(self, exam: ExamSpec, profile: Profile, as_of: date, candidate: Candidate | None = None) -> Assessment:
        """Ask the plugin that owns `exam` to assess the profile. Input errors pass through.

        The hook is called through pluggy, limited to the owning plugin (so `firstresult` and
        pluggy's argument matching hold: an implementation naming only `exam, profile, as_of`
        is called without `candidate`). `candidate` defaults to the one-exam candidate the
        profile stands for.
        """
        if candidate is None:
            candidate = Candidate.from_profile(profile)
        caller = self._assess_caller(exam.plugin)
        try:
            result = call_with_deadline(
                lambda: caller(exam=exam, profile=profile, as_of=as_of, candidate=candidate), (), self.assess_timeout)
        except ProfileError:
            raise
        except HookTimedOut as exc:
            raise PluginError(exam.plugin, f"assessing {exam.id}", f"retake_assess {exc}") from None
        except Exception as exc:  # noqa: BLE001 - report the plugin by name, never a bare traceback
            raise PluginError(exam.plugin, f"assessing {exam.id}", f"{type(exc).__name__}: {exc}") from exc
        if not isinstance(result, Assessment):
            raise PluginError(exam.plugin, f"assessing {exam.id}",
                              f"retake_assess returned {type(result).__name__}, not an Assessment")
        return result

    def _assess_caller(self, plugin_name: str) -> Any:
        """`retake_assess` restricted to one plugin's implementation, cached per registered set."""
        registered = frozenset(map(id, self.pm.get_plugins()))
        cached = self._assess_callers.get(plugin_name)
        if cached is not None and cached[0] == registered:
            return cached[1]
        owner = self.pm.get_plugin(plugin_name)
        others = [p for p in self.pm.get_plugins() if p is not owner]
        caller = self.pm.subset_hook_caller("retake_assess", remove_plugins=others)
        self._assess_callers[plugin_name] = (registered, caller)
        return caller


def build_registry(
    extra: Iterable[tuple[str, object]] = (),
    entry_points: bool = True,
    env: Mapping[str, str] | None = None,
    strict: bool | None = None,
) -> Registry:
    """Load plugins from entry points (unless told not to), then any extra (name, plugin) pairs."""
    register_timeout, assess_timeout = timeouts_from_env(env)
    registry = Registry(strict=strict_from_env(env) if strict is None else strict,
                        register_timeout=register_timeout, assess_timeout=assess_timeout)
    if entry_points:
        registry.load_entry_points(env)
    for name, plugin in extra:
        registry.add(plugin, name)
    return registry
