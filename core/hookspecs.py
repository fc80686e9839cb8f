"""The hooks a country plugin implements. Every hook is optional; a plugin may use any subset.

A plugin is a module (or object) with functions decorated `@hookimpl` (`from core import hookimpl`),
published under the entry-point group `retake.plugins`. Registration hooks hand the plugin a
`register` callback: call it once per thing you provide; core checks each at the door and reports
a faulty one against your plugin's name.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Callable

from pluggy import HookimplMarker, HookspecMarker

if TYPE_CHECKING:  # pragma: no cover - imports for the type hints only
    from core.specialty_index import Specialty
    from core.exams import Assessment, ExamSpec
    from core.candidate import Candidate
    from core.plugin_examples import Example
    from core.profile import Profile
    from core.rules import Rule

PROJECT = "retake"
hookspec = HookspecMarker(PROJECT)
hookimpl = HookimplMarker(PROJECT)


@hookspec
def retake_register_exams(register: "Callable[[ExamSpec], None]") -> None:
    """Register the exams this plugin owns.

    :param register: call `register(ExamSpec(...))` once per exam. The exam id must be unique
        across all loaded plugins (lower-case, dashes allowed). Every dated value and the
        retake-after-pass policy carry a `Source`.

    Since 0.1.
    """


@hookspec
def retake_register_rules(register: "Callable[[Rule], None]") -> None:
    """Register this plugin's rules (policy decisions and country-specific reasons).

    :param register: call `register(Rule(...))` once per rule. Ids start with the plugin's name
        (`usmle.no-repeat-after-pass`). Conditions use durable_rules' JSON condition language
        (see `core.rules`); conclusions are facts built with `core.rules.decision`, `red_flag`,
        `action`, `answer`, `outcome` or `note`.

    Since 0.1.
    """


@hookspec
def retake_register_specialties(register: "Callable[[Specialty], None]") -> None:
    """Register country context: specialties and how competitive they are for IMGs there.

    :param register: call `register(Specialty(...))`. A specialty with `country` set applies to
        targets in that country and overrides core's default index (the seed's section 3) there.

    Since 0.1.
    """


@hookspec(firstresult=True)
def retake_assess(
    exam: "ExamSpec", profile: "Profile", as_of: date, candidate: "Candidate"
) -> "Assessment | None":
    """Judge one profile's attempts at one of this plugin's exams, as of a given day.

    Core calls only the plugin that registered `exam` (through pluggy, so `firstresult` holds).
    Do plain arithmetic here: judge each attempt against the pass mark in force on its date, count
    attempts, compute the earliest retake date and deadlines, place the score in a band. Leave the
    judgement to rules.

    :param exam: the ExamSpec this plugin registered.
    :param profile: the validated one-exam view; `profile.exam == exam.id`.
    :param as_of: the day the verdict is for (never read the clock).
    :param candidate: the whole person (`core.candidate.Candidate`): every exam they listed, sat or
        still to sit (`candidate.attempts_at("usmle-step1")`, `candidate.has("plab1")`), with the
        shared target, application and exceptions. Read it for rules across exams (USMLE's limit
        over every Step, English evidence on the PLAB 1 date); a one-exam profile is a candidate
        with one exam. Since 0.2. pluggy passes a hookimpl only the arguments it names, so an
        implementation written for 0.1 (`exam, profile, as_of`) keeps working unchanged.
    :returns: an `Assessment`. Raise `core.ProfileError` for input your exam cannot accept
        (e.g. a PLAB 1 score without its sitting's pass mark), naming the field.

    Since 0.1.
    """


@hookspec
def retake_register_examples(register: "Callable[[Example], None]") -> None:
    """Register example profiles of this plugin's exams: `retake decide --example NAME`, `retake
    exams` and the dashboard's example list show them with the plugin's name.

    :param register: call `register(Example(name, title, profile))` once per example
        (`core.plugin_examples.Example`); `package_examples(__name__)` reads every YAML file in
        the package's `examples/` folder (name = file name, title = its leading comment). Names
        are lower-case words joined by dashes and unique across plugins. Checked at the door: the
        type, the name, a title, a profile or text. Files are parsed when first used; the contract
        kit (`retake plugins check`) parses each, checks it names one of this plugin's exams and
        runs it through a verdict.

    Since 0.2.
    """
