"""Exam-shaped framework output: an exam says which framework conclusions do not apply to it, or
gives its own words for one, by id, instead of priority tricks.

    ExamSpec(..., overrides=(
        Override("framework.red-flag.attempts-limited", text=None,
                 why="NZREX sets no attempt limit"),                      # does not apply here
        Override("action:compare-costs", text="NZREX Clinical costs NZD 3,000 a sitting: ..."),
    ))

`target` is a rule id (the rule's reason, and the red flags / actions only it concluded, are
dropped or its reason reworded) or `action:KEY` / `red_flag:KEY` (that item is dropped or its text
replaced). Only rules that explain are overridable: a rule concluding a decision, an outcome or a
flowchart answer is the judgement itself and is changed by rules, not hidden. Checked at
registration (`check_overrides`): an unknown id is an error naming it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from core.rules import Rule

ITEM_KINDS = ("action", "red_flag")
JUDGEMENT = ("decision", "outcome", "answer")


@dataclass(frozen=True)
class Override:
    """For one exam: `target` does not apply (`text=None`) or reads `text` instead."""

    target: str
    text: str | None = None
    why: str = ""


def _item_keys(rules: Iterable[Rule], kind: str) -> set[str]:
    return {c.get("key") for r in rules for c in r.then if c.get("t") == kind}


def check_overrides(found: Any) -> list[str]:
    """Problems with the overrides on one plugin's exams (each names the exam and the id)."""
    from core.exams import ExamSpec
    from core.framework import FRAMEWORK_RULES

    rules = {r.id: r for r in FRAMEWORK_RULES}
    rules.update({r.id: r for r in found.rules if isinstance(r, Rule)})
    problems: list[str] = []
    for exam in found.exams:
        if not isinstance(exam, ExamSpec):
            continue
        for override in exam.overrides:
            where = f"exam {exam.id!r}: override {getattr(override, 'target', override)!r}"
            if not isinstance(override, Override):
                problems.append(f"exam {exam.id!r}: overrides holds a {type(override).__name__}, not an Override")
                continue
            if override.text is not None and ("{" in override.text or "}" in override.text or not override.text.strip()):
                problems.append(f"{where}: the text must be plain words (no placeholders), or None to drop it")
            kind, _, key = override.target.partition(":")
            if key and kind in ITEM_KINDS:
                if key not in _item_keys(rules.values(), kind):
                    problems.append(f"{where}: no framework or {found.plugin} rule concludes the {kind} {key!r} "
                                    "(see the ids in `retake decide --json`)")
            elif override.target not in rules:
                problems.append(f"{where}: there is no rule {override.target!r} (see `retake rules --exam {exam.id}`)")
            elif any(c.get("t") in JUDGEMENT for c in rules[override.target].then):
                problems.append(f"{where}: rule {override.target!r} concludes the decision or a flowchart step; "
                                "change the judgement with a rule of your own, overrides only reword or drop "
                                "reasons, red flags and actions")
    return problems


def shape(verdict: Any, overrides: Iterable[Override], rules: Mapping[str, Rule]) -> Any:
    """`verdict` with one exam's overrides applied (a copy; the verdict itself is not changed)."""
    overrides = tuple(overrides)
    if not overrides:
        return verdict
    by_target = {o.target: o for o in overrides}
    fired = [r.rule for r in verdict.reasons]
    dropped_rules = {t for t, o in by_target.items() if o.text is None and t in rules}
    # An item goes with a dropped rule only when no other rule that fired concluded it too.
    kept_keys = {(c.get("t"), c.get("key")) for rule_id in fired if rule_id not in dropped_rules
                 for c in rules[rule_id].then} if dropped_rules else set()
    gone_keys = {(c.get("t"), c.get("key")) for rule_id in dropped_rules for c in rules[rule_id].then} - kept_keys

    reasons = []
    for reason in verdict.reasons:
        override = by_target.get(reason.rule)
        if override is None:
            reasons.append(reason)
        elif override.text is not None:
            reasons.append(reason.model_copy(update={"text": override.text}))

    def items(kind: str, found: list[Any]) -> list[Any]:
        out = []
        for item in found:
            override = by_target.get(f"{kind}:{item.id}")
            if (kind, item.id) in gone_keys or (override is not None and override.text is None):
                continue
            out.append(item.model_copy(update={"text": override.text}) if override is not None else item)
        return out

    return verdict.model_copy(update={"reasons": reasons, "red_flags": items("red_flag", verdict.red_flags),
                                      "actions": items("action", verdict.actions)})
