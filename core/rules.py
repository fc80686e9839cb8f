"""Rules as data: id, title, source, effective dates, priority, a condition, conclusions.

A rule's condition is written in durable_rules' own JSON condition language, one pattern per
matched fact, in join order:

    Rule(
        id="framework.b.band-blocks-target",
        when={
            "target": fact("target"),
            "band": fact("band", lt("fits_up_to", ref("target", "demand"))),
        },
        then=[answer("blocks_target", True)],
        ...
    )

`fact(t, ...)` matches a fact of type `t`; `lt`, `gte`, … compare a field with a value or with a
field of a fact matched earlier (`ref(alias, field)`). Conclusions are facts too: answers to the
flowchart's questions, an outcome, a decision, red flags and actions. Rules never run code: the
engine adapter gives every rule the same action (record the rule id, assert its conclusions),
so a verdict's trace is complete by construction.

Texts may quote facts asserted for the case with `{type.field}` (e.g. `{case.score:g}`);
a fact type with dots or dashes is quoted with underscores (`{usmle_transcript.attempts}`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Mapping

from core.dated_values import CONFIDENCE_LEVELS, Source

RULE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$")
CONCLUSION_TYPES = ("answer", "outcome", "decision", "red_flag", "action", "note", "headline")
RESERVED_ALIASES = ("clock_", "scope_")


class Priority:
    """Named priority levels for `Rule(priority=...)` (lower fires first among rules ready at the
    same moment). Use the level that says what the rule is; `Priority.SCORE + 1` places a rule
    just after its level's others. Firing order decides the order of reasons in a verdict, never
    which decision wins (see the guide: overrides, not priority tricks, shape framework output)."""

    POLICY = 10          # what the authority forbids or requires: not allowed, must retake
    POLICY_DETAIL = 15   # waiting periods, attempts counted, the limit's details
    DEADLINES = 20       # booking windows, validity of results, English evidence
    SCORE = 30           # what the score means: pass marks, scales, bands
    FRAMEWORK = 50       # the decision framework's own rules (the default)
    CONTEXT = 80         # outcome data and background, shown last


# `Rule(exams=ANY_EXAM)`: a plugin rule meant for every exam, not only its plugin's own.
ANY_EXAM: tuple[str, ...] = ("*",)


@dataclass(frozen=True)
class Rule:
    """One rule of the decision, with everything a reviewer needs to trust it.

    - `id`: dotted and stable (`usmle.no-repeat-after-pass`); the verdict cites it.
    - `when`: alias -> durable_rules pattern, matched in order (a join when several).
    - `then`: conclusion facts (see `answer`, `outcome`, `decision`, `red_flag`, `action`).
    - `text`: the reason shown to the user when the rule fires, in plain words.
    - `effective` / `until`: the rule takes part only on days in [effective, until).
    - `effective_note`: what to show when there is no exact day ("long-standing", "since 2018").
    - `priority`: lower fires first among rules ready at the same moment.
    - `confidence`: "unconfirmed" rules must say so in their text.
    - `exams`: which exams a plugin rule takes part in: None (the default) for its plugin's own
      exams, a tuple of some of them, or `ANY_EXAM` for every exam (core scopes it at the door).
    """

    id: str
    title: str
    when: Mapping[str, Any]
    text: str
    source: Source
    then: tuple[Mapping[str, Any], ...] = ()
    effective: date | None = None
    until: date | None = None
    priority: int = Priority.FRAMEWORK
    confidence: str = "high"
    effective_note: str = ""
    exams: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "then", tuple(self.then))
        object.__setattr__(self, "when", dict(self.when))
        if self.exams is not None:
            object.__setattr__(self, "exams", tuple(self.exams))

    def problems(self) -> list[str]:
        """What is wrong with this rule as data (empty when it is sound)."""
        found = []
        if not RULE_ID.match(self.id):
            found.append(f"{self.id!r}: a rule id is dotted lower-case words, e.g. 'myplugin.no-repeat'")
        if not self.title.strip():
            found.append(f"{self.id}: a rule needs a title")
        if not self.text.strip():
            found.append(f"{self.id}: a rule needs a reason text")
        if not self.source.title.strip():
            found.append(f"{self.id}: a rule needs a source")
        if not self.when:
            found.append(f"{self.id}: a rule needs at least one pattern in 'when'")
        for alias in self.when:
            if not re.match(r"^[a-z][a-z0-9_]*$", alias) or alias.startswith(RESERVED_ALIASES):
                found.append(f"{self.id}: alias {alias!r} must be a lower-case word not starting with "
                             f"{' or '.join(repr(a) for a in RESERVED_ALIASES)}")
        for conclusion in self.then:
            kind = conclusion.get("t")
            if kind not in CONCLUSION_TYPES:
                found.append(f"{self.id}: conclusion type {kind!r} is not one of {', '.join(CONCLUSION_TYPES)}")
        if self.confidence not in CONFIDENCE_LEVELS:
            found.append(f"{self.id}: confidence {self.confidence!r} is not one of {', '.join(CONFIDENCE_LEVELS)}")
        if self.confidence == "unconfirmed" and "unconfirmed" not in self.text.lower():
            found.append(f"{self.id}: an unconfirmed rule must say 'unconfirmed' in its text")
        if self.effective and self.until and self.until <= self.effective:
            found.append(f"{self.id}: 'until' must fall after 'effective'")
        return found

    def in_force(self, day: date) -> bool:
        return (self.effective is None or day >= self.effective) and (self.until is None or day < self.until)


# --- the condition language, as small helpers over durable_rules' JSON -------------------------

def fact(kind: str, *conditions: Mapping[str, Any], **equals: Any) -> dict[str, Any]:
    """A pattern matching a fact of type `kind` whose fields equal `equals` and meet `conditions`."""
    parts: list[Mapping[str, Any]] = [{"t": kind}]
    parts += [{name: value} for name, value in equals.items()]
    parts += list(conditions)
    return dict(parts[0]) if len(parts) == 1 else {"$and": parts}


def ref(alias: str, field_name: str) -> dict[str, str]:
    """The value of `field_name` in the fact matched earlier under `alias` (for joins)."""
    return {alias: field_name}


def same(field_name: str) -> dict[str, str]:
    """Another field of the same fact (e.g. `lt("gain", same("big_gain"))`)."""
    return {"$m": field_name}


def _compare(op: str):
    def build(field_name: str, value: Any) -> dict[str, Any]:
        return {op: {field_name: value}}
    build.__name__ = op.strip("$")
    return build


lt = _compare("$lt")
lte = _compare("$lte")
gt = _compare("$gt")
gte = _compare("$gte")
ne = _compare("$neq")


def one_of(field_name: str, values: Iterable[Any]) -> dict[str, Any]:
    return {"$or": [{field_name: value} for value in values]}


def any_of(*conditions: Mapping[str, Any]) -> dict[str, Any]:
    return {"$or": list(conditions)}


# --- conclusions --------------------------------------------------------------------------------

def answer(question: str, value: bool) -> dict[str, Any]:
    return {"t": "answer", "question": question, "value": value}


def outcome(value: str) -> dict[str, Any]:
    return {"t": "outcome", "value": value}


def decision(value: str) -> dict[str, Any]:
    return {"t": "decision", "value": value}


def red_flag(key: str, text: str) -> dict[str, Any]:
    return {"t": "red_flag", "key": key, "text": text}


def action(key: str, text: str) -> dict[str, Any]:
    return {"t": "action", "key": key, "text": text}


def note(text: str) -> dict[str, Any]:
    return {"t": "note", "text": text}
