"""Finding and loading country plugins.

Built-in and third-party plugins load the same way: from the entry-point group `retake.plugins`.
A plugin that fails to import, register or answer is reported by name and skipped; the rest keep
working. `RETAKE_STRICT_PLUGINS=1` turns such a failure into an error (for plugin authors).
`RETAKE_PLUGINS=usmle,plab` narrows which entry points load.

Plugins are guests (`core.guests`): their import, registration and every hook run on a worker
thread under a time limit (`RETAKE_PLUGIN_TIMEOUT` seconds; `inf` for none), whatever they raise
(`SystemExit` and `KeyboardInterrupt` too) is reported against their name, and what they print
goes to stderr. What each plugin registers is checked on its own at the door (`core.ownership`):
its rules compile alone, stay under the per-plugin cap, conclude only what the verdict knows and
name only facts and fields that exist; its rules and specialties are scoped to its own exams and
countries; and an exam id, specialty or entry-point name already owned is never taken over.
"""

from __future__ import annotations

import functools
import math
import os
import re
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata
from typing import Any, Iterable, Mapping

import pluggy

from core import hookspecs
from core.candidate import Candidate
from core.specialty_index import DEFAULT_SPECIALTIES, Specialty
from core.errors import PluginError, ProfileError
from core.exams import Assessment, ExamSpec
from core.guests import guest_call, guest_call_here
from core.profile import Profile
from core.ownership import BUILT_IN_DISTRIBUTION, Contribution, Ownership, check_contribution
from core.plugin_examples import Example
from core.rules import Rule

ENTRY_POINT_GROUP = "retake.plugins"
# Seconds a plugin may take to answer: its import and registration hooks (once, at load) and
# retake_assess (per verdict, which normally takes microseconds). RETAKE_PLUGIN_TIMEOUT sets both.
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
    package: str = ""  # the distribution that published the entry point, when known
    examples: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "version": self.version, "origin": self.origin, "exams": self.exams,
            "rules": self.rules, "specialties": self.specialties, "error": self.error, "examples": self.examples,
        }


def strict_from_env(env: Mapping[str, str] | None = None) -> bool:
    value = (env if env is not None else os.environ).get("RETAKE_STRICT_PLUGINS", "")
    return value.strip().lower() in ("1", "true", "yes", "on")


def timeouts_from_env(env: Mapping[str, str] | None = None) -> tuple[float | None, float | None]:
    """(registration, assess) time limits in seconds; RETAKE_PLUGIN_TIMEOUT sets both.

    `inf` (or `none`, `off`) means no limit; anything that is not a positive number keeps the
    defaults (a typo must never unload every plugin)."""
    value = (env if env is not None else os.environ).get("RETAKE_PLUGIN_TIMEOUT", "").strip().lower()
    if value in ("inf", "infinity", "+inf", "none", "off"):
        return None, None
    try:
        seconds = float(value) if value else None
    except ValueError:
        seconds = None
    if seconds is None or math.isnan(seconds) or not seconds > 0:
        return REGISTER_TIMEOUT, ASSESS_TIMEOUT
    if math.isinf(seconds):
        return None, None
    return seconds, seconds


def _wanted_from_env(env: Mapping[str, str] | None = None) -> set[str] | None:
    value = (env if env is not None else os.environ).get("RETAKE_PLUGINS")
    if value is None:
        return None
    return {name.strip() for name in value.split(",") if name.strip()}


@functools.lru_cache(maxsize=256)
def _dist_facts(dist: Any) -> tuple[str, str]:
    """A distribution's (name, version), read once: each `dist.metadata` / `dist.version` parses the
    whole METADATA file with the email parser (13 parses were about 40 ms of every start-up)."""
    meta = dist.metadata
    return meta["Name"] or "", meta["Version"] or ""


def _distribution(entry_point: metadata.EntryPoint | None) -> str:
    dist = getattr(entry_point, "dist", None)
    return _dist_facts(dist)[0] if dist is not None else ""


def _version_of(entry_point: metadata.EntryPoint | None, plugin: object) -> str:
    if entry_point is not None and entry_point.dist is not None:
        return _dist_facts(entry_point.dist)[1]
    return str(getattr(plugin, "__version__", "0"))


def _is_built_in(entry_point: metadata.EntryPoint) -> bool:
    """This project's own plugins: published by retake-verdict, modules under `plugins.`."""
    return (_distribution(entry_point).lower().replace("_", "-") == BUILT_IN_DISTRIBUTION
            and entry_point.value.split(":")[0].startswith("plugins."))


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
        self.ownership = Ownership()
        self._default_specialties: list[Specialty] = list(DEFAULT_SPECIALTIES)
        self._assess_callers: dict[str, tuple[frozenset[int], Any]] = {}  # plugin -> (registered set, caller)

    # What the accepted plugins registered, derived from `ownership` (never sliced from lists).
    @property
    def exams(self) -> dict[str, ExamSpec]:
        return self.ownership.exams

    @property
    def rules(self) -> list[Rule]:
        return self.ownership.rules

    @property
    def rule_owner(self) -> dict[str, str]:
        return self.ownership.rule_owner

    @property
    def examples(self) -> "dict[str, Example]":
        """Example profiles by name (`core.plugin_examples`), each with its plugin's name."""
        return self.ownership.examples

    @property
    def _specialties(self) -> list[Specialty]:
        return self._default_specialties + self.ownership.specialties

    # --- loading ------------------------------------------------------------------------------

    def load_entry_points(self, env: Mapping[str, str] | None = None) -> None:
        wanted = _wanted_from_env(env)
        by_name: dict[str, list[metadata.EntryPoint]] = {}
        for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
            same = by_name.setdefault(entry_point.name, [])
            # the same distribution visible twice on sys.path is one entry point, not a claim
            if not any(_distribution(e) == _distribution(entry_point) and e.value == entry_point.value for e in same):
                same.append(entry_point)
        for name in sorted(by_name):
            if wanted is not None and name not in wanted:
                continue
            claimants = by_name[name]
            if len(claimants) > 1:
                built_in = [e for e in claimants if _is_built_in(e)]
                for refused in [e for e in claimants if e not in built_in]:
                    holder = (f"the built-in plugin {name!r}" if built_in else
                              "another package (" + ", ".join(sorted(_distribution(e) or e.value for e in claimants
                                                                     if e is not refused)) + ")")
                    self._fail(PluginInfo(name, _version_of(refused, None), "entry point",
                                          package=_distribution(refused)),
                               "loading", ValueError(f"package {_distribution(refused) or refused.value!r} publishes "
                                                     f"entry point {name!r}, which {holder} also uses; refused "
                                                     "(rename the entry point)"))
                if not built_in:
                    continue
                claimants = built_in
            self._load_one(claimants[0], built_in=_is_built_in(claimants[0]))

    def _load_one(self, entry_point: metadata.EntryPoint, built_in: bool) -> None:
        name = entry_point.name
        info = PluginInfo(name, _version_of(entry_point, None), "entry point", package=_distribution(entry_point))
        try:
            plugin = guest_call(name, "importing", "import", entry_point.load, (), self.register_timeout, passes=())
        except PluginError as exc:
            self._fail(info, "importing", exc)
            return
        self.add(plugin, name, version=_version_of(entry_point, plugin), origin="entry point", built_in=built_in,
                 package=info.package)

    def add(self, plugin: object, name: str, version: str | None = None, origin: str = "registered in code",
            built_in: bool = False, package: str = "") -> PluginInfo:
        """Register one plugin object or module and collect what it provides (checked at the door)."""
        info = PluginInfo(name, version or _version_of(None, plugin), origin, package=package)

        def register_with_pluggy() -> None:
            self.pm.register(plugin, name=name)
            self.pm.check_pending()

        try:
            guest_call(name, "registering", "register", register_with_pluggy, (), self.register_timeout, passes=())
        except PluginError as exc:
            self._unregister(plugin)
            self._fail(info, "registering", exc)
            return info

        found = Contribution(name, built_in=built_in)
        try:
            self._call_registration_hooks(name, found)
            problems = check_contribution(found, self.ownership)
            if problems:
                raise ValueError("; ".join(problems))
        except (PluginError, ValueError) as exc:
            self._unregister(plugin)
            self._fail(info, "answering its registration hooks", exc)
            return info

        evicted = self.ownership.accept(found)
        for loser, reason in evicted:
            for other in self.plugins:
                if other.name == loser and other.ok:
                    self._unregister(self.pm.get_plugin(loser))
                    other.error = reason
                    other.exams, other.rules, other.specialties, other.examples = [], 0, 0, []
        info.exams = [e.id for e in found.exams]
        info.rules, info.specialties = len(found.rules), len(found.specialties)
        info.examples = sorted(e.name for e in found.examples)
        self.plugins.append(info)
        if not self.ownership.holds(name):  # refused while accepting (a contested id)
            self._unregister(plugin)
            info.exams, info.rules, info.specialties, info.examples = [], 0, 0, []
            self._fail_recorded(info, self.ownership.refused[name])
        return info

    def _unregister(self, plugin: object | None) -> None:
        if plugin is not None and self.pm.is_registered(plugin):
            self.pm.unregister(plugin)

    def _impl(self, plugin_name: str, hook_name: str) -> Any:
        for impl in getattr(self.pm.hook, hook_name).get_hookimpls():
            if impl.plugin_name == plugin_name:
                return impl
        return None

    def _call_registration_hooks(self, plugin_name: str, found: Contribution) -> None:
        """A plugin's registration hooks, in order, in one guest call bounded by the time limit.
        Once the limit has passed, anything the hooks still register from the abandoned thread is
        ignored."""
        state = {"open": True, "hook": "registration hooks"}
        lists = {"retake_register_exams": found.exams, "retake_register_rules": found.rules,
                 "retake_register_specialties": found.specialties}
        extra_hooks = {"retake_register_overrides": found.overrides, "retake_register_examples": found.examples}

        def call() -> None:
            for hook_name, items in {**lists, **extra_hooks}.items():
                if not hasattr(self.pm.hook, hook_name):
                    continue
                state["hook"] = hook_name

                def register(item: Any, *more: Any, items: list[Any] = items) -> None:
                    if state["open"]:
                        items.append((item, *more) if more else item)

                impl = self._impl(plugin_name, hook_name)
                if impl is not None:
                    impl.function(*[{"register": register}[arg] for arg in impl.argnames])

        try:
            guest_call(plugin_name, "answering its registration hooks", "registration hooks", call, (),
                       self.register_timeout, passes=())
        except PluginError as exc:
            state["open"] = False
            raise PluginError(plugin_name, exc.stage, exc.detail.replace("registration hooks", state["hook"], 1)) from None

    def _fail(self, info: PluginInfo, stage: str, exc: BaseException) -> None:
        detail = exc.detail if isinstance(exc, PluginError) else f"{type(exc).__name__}: {exc}"
        info.error = f"{detail} (while {stage})" if isinstance(exc, PluginError) else f"{type(exc).__name__} while {stage}: {exc}"
        self.plugins.append(info)
        if self.strict:
            raise PluginError(info.name, stage, detail) from exc

    def _fail_recorded(self, info: PluginInfo, reason: str) -> None:
        info.error = reason
        if self.strict:
            raise PluginError(info.name, "registering", reason)

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
        # A guest call (core.guests): bounded, BaseException-proof, its prints sent to stderr; a
        # ProfileError (the input's fault) passes through.
        result = guest_call_here(exam.plugin, f"assessing {exam.id}", "retake_assess",
                            lambda: caller(exam=exam, profile=profile, as_of=as_of, candidate=candidate), (),
                            self.assess_timeout)
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
