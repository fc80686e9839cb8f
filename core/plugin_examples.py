"""Example profiles shipped by plugins: `retake decide --example NAME`, `retake exams` and the
dashboard's example list all read them from here.

A plugin ships examples through the `retake_register_examples` hook, usually by keeping YAML files
in an `examples/` folder of its package and registering them with `package_examples`:

    @hookimpl
    def retake_register_examples(register):
        for example in package_examples(__name__):      # <package>/examples/*.yaml
            register(example)

Each file is one profile (the one-exam form, or the candidate form with `exams:`); its leading
`#` comment is the example's title, its file name (without `.yaml`) its name. Names are unique
across plugins, like exam ids: a built-in plugin keeps its name, a third party naming an example
the same is refused. Checked at registration (`check_examples`, without parsing: loading stays
fast): the type, the name's form, a title, a profile or text. The contract kit parses each
(`example_problems`: valid, names one of the plugin's exams) and runs it through a verdict
(`verdict_problems`), so `retake plugins check NAME` reports one that does not validate.

Readers (front ends) call `all_examples(registry)`, `find_example(name, registry)` and
`default_example(registry)`.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from importlib import resources
from typing import TYPE_CHECKING, Any, Mapping

from core.errors import ProfileError

if TYPE_CHECKING:  # pragma: no cover
    from core.plugins import Registry

DEFAULT = "usmle-step2ck-low-pass"  # the example the dashboard opens on when nothing else is asked
NAME = re.compile(r"^[a-z][a-z0-9-]*$")
FOLDER = "examples"


@dataclass(frozen=True)
class Example:
    """One example profile. Give `profile` (parsed data) or `text` (its YAML or JSON, parsed when
    first read, so loading plugins never pays for parsing every example). `plugin` is filled in by
    core (leave it empty)."""

    name: str                          # lower-case words joined by dashes: `usmle-step2ck-low-pass`
    title: str                         # one sentence saying who this is: "A first-attempt Step 2 CK pass ..."
    profile: Mapping[str, Any] | None = None  # the profile (the one-exam or the candidate form), or None: see text
    text: str = ""                     # the YAML it came from, when it came from a file (shown, copied, saved)
    plugin: str = ""

    @cached_property
    def _parsed(self) -> Any:
        if self.profile is not None:
            return self.profile
        from core.loading import parse_text

        return parse_text(self.text, name=f"example {self.name}")

    def data(self) -> Any:
        """A fresh copy of the profile, safe to edit. Raises `ProfileError` naming the example when
        its text does not parse."""
        return copy.deepcopy(self._parsed)

    @property
    def exams(self) -> tuple[str, ...]:
        """The exam ids the profile names (none when it does not parse)."""
        try:
            return profile_exams(self._parsed)
        except ProfileError:
            return ()

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "plugin": self.plugin, "exams": list(self.exams)}


def profile_exams(profile: Any) -> tuple[str, ...]:
    """The exam ids a profile names (`exam`, or the keys of `exams`)."""
    if not isinstance(profile, Mapping):
        return ()
    if isinstance(profile.get("exams"), Mapping):
        return tuple(str(k) for k in profile["exams"])
    return (str(profile["exam"]),) if isinstance(profile.get("exam"), str) else ()


def title_of(text: str) -> str:
    """The leading `#` comment lines of a YAML file, as one sentence."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return " ".join(part for part in lines if part)


def from_text(name: str, text: str, title: str = "") -> Example:
    """An Example from YAML or JSON text (its leading comment is the title unless `title` is given)."""
    return Example(name, title or title_of(text), text=text)


def package_examples(package: str, folder: str = FOLDER) -> list[Example]:
    """Every `<package>/<folder>/*.yaml`, read with importlib.resources (so an installed wheel has
    them: keep the folder inside the package), sorted by name. Each is parsed when first read; the
    contract kit (`retake plugins check`) reports one that does not parse or validate."""
    root = resources.files(package).joinpath(folder)
    if not root.is_dir():
        return []
    found = sorted((p for p in root.iterdir() if p.name.endswith((".yaml", ".yml"))), key=lambda p: p.name)
    return [from_text(p.name.rsplit(".", 1)[0], p.read_text(encoding="utf-8")) for p in found]


def check_examples(found: Any) -> list[str]:
    """Problems with the examples one plugin registered, found without parsing them (the contract
    kit parses and judges each: `example_problems`)."""
    problems: list[str] = []
    names: list[str] = []
    for example in found.examples:
        if not isinstance(example, Example):
            problems.append(f"registered {type(example).__name__} as an example, not a core.Example")
            continue
        where = f"example {example.name!r}"
        names.append(example.name)
        if not isinstance(example.name, str) or not NAME.match(example.name):
            problems.append(f"{where}: the name must be lower-case words joined by dashes (e.g. myexam-first-fail)")
        if not isinstance(example.title, str) or not example.title.strip():
            problems.append(f"{where}: give it a title (a leading # comment in its YAML file), one sentence "
                            "saying who the profile is")
        if example.profile is None and not (isinstance(example.text, str) and example.text.strip()):
            problems.append(f"{where}: give its profile (a mapping) or its text (YAML or JSON)")
        elif example.profile is not None and not isinstance(example.profile, Mapping):
            problems.append(f"{where}: the profile is a {type(example.profile).__name__}, not a mapping")
    for twice in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"example name {twice!r} is registered twice")
    return problems


def example_problems(example: Example, own_exams: list[str]) -> list[str]:
    """What is wrong with one example on its own: it parses, validates and names one of its
    plugin's exams (`own_exams`)."""
    from core.candidate import parse_candidate

    where = f"example {example.name!r}"
    try:
        data = example.data()
        if not isinstance(data, Mapping):
            return [f"{where}: the profile is a {type(data).__name__}, not a mapping of fields"]
        parse_candidate(copy.deepcopy(data))
    except ProfileError as exc:
        return [f"{where} is not a valid profile: {exc}"]
    named = profile_exams(data)
    if not set(named) & set(own_exams):
        return [f"{where} names {', '.join(named) or 'no exam'}, none of this plugin's exams "
                f"({', '.join(own_exams) or 'none'}); a plugin ships examples of its own exams"]
    return []


def verdict_problems(example: Example, pipeline: Any, as_of: date) -> list[str]:
    """What stops one (valid) example from giving a verdict, judged on `as_of` or on the day of its
    latest sitting when that is later."""
    from core.candidate import parse_candidate
    from core.candidate_verdict import evaluate_candidate

    where = f"example {example.name!r}"
    try:
        data = example.data()
        candidate = parse_candidate(copy.deepcopy(data))
        latest = max((a.date for e in candidate.exams.values() for a in e.attempts), default=as_of)
        evaluate_candidate(data, max(as_of, latest), pipeline)
    except ProfileError as exc:
        return [f"{where} gives no verdict: {exc}"]
    except Exception as exc:  # noqa: BLE001 - reported against the example, never a crash
        return [f"{where} gives no verdict: {type(exc).__name__}: {exc}"]
    return []


# --- reading them (front ends) ------------------------------------------------------------------

def _registry(registry: "Registry | None") -> "Registry":
    if registry is not None:
        return registry
    from core.pipeline import default_pipeline

    return default_pipeline().registry


def all_examples(registry: "Registry | None" = None) -> list[Example]:
    """Every loaded plugin's examples, sorted by name (default: the process-wide pipeline's plugins)."""
    return sorted(_registry(registry).examples.values(), key=lambda e: e.name)


def find_example(name: str, registry: "Registry | None" = None) -> Example:
    """The example called `name`; `ProfileError` on field `--example` listing the names otherwise."""
    found = _registry(registry).examples
    if name in found:
        return found[name]
    raise ProfileError.single("--example", "is not an example any loaded plugin ships", given=name,
                              allowed=", ".join(sorted(found)) or "(no plugin ships examples)")


def default_example(registry: "Registry | None" = None) -> Example | None:
    """`DEFAULT` when loaded, else the first example by name, else None (no plugin ships one)."""
    found = _registry(registry).examples
    if DEFAULT in found:
        return found[DEFAULT]
    return found[min(found)] if found else None
