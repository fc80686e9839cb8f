"""Two verdicts of one case -> what changed, per exam, with the rule ids responsible.

Compared: decision, outcome, earliest retake date, each deadline (by id: new, gone or moved) and
the reasons (rule ids that newly fire or no longer fire). Not compared: texts and `days_left`,
which change with the day without anything having changed, and the freshness warning
(`<plugin>.policy-may-have-changed`), which is about the age of the product's policy data, not the case.

"Responsible" means: for a decision (outcome), the rules that conclude a decision (an outcome) and
fired in one verdict but not the other, or, when the same rules fired, those of the new verdict;
for a deadline, the deadline's own id; for a reason, that rule. `rules` (rule id -> Rule) tells
which rules conclude what; without it the new and gone reasons are named instead.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Mapping, Optional

from core.cases.verdict_records import per_exam
from core.exams import STALE_POLICY_RULE


@dataclass(frozen=True)
class FieldChange:
    exam: str
    field: str  # decision | outcome | earliest_date | deadline | reason | exam
    before: Any
    after: Any
    rules: tuple[str, ...] = ()
    item: str = ""  # the deadline id or the rule id, for deadline and reason changes

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["rules"] = list(self.rules)
        return data

    def describe(self) -> str:
        where = f"{self.exam}: " if self.exam else ""
        if self.field == "reason":
            return f"{where}reason {self.item} {'now applies' if self.after else 'no longer applies'}"
        if self.field == "deadline":
            what = f"deadline {self.item}"
            if self.before is None:
                text = f"{what} new: {self.after}"
            elif self.after is None:
                text = f"{what} gone (was {self.before})"
            else:
                text = f"{what} moved {self.before} -> {self.after}"
        elif self.field == "exam":
            text = "exam added" if self.before is None else "exam gone"
        else:
            label = "earliest retake date" if self.field == "earliest_date" else self.field
            text = f"{label} {_shown(self.before, self.field)} -> {_shown(self.after, self.field)}"
        rules = f" (rules: {', '.join(self.rules)})" if self.rules else ""
        return where + text + rules


# What an empty value means in each field (a verdict's null is never "unknown input" here).
_NONE_TEXT = {"decision": "no verdict", "outcome": "no flowchart end (not passed yet)",
              "earliest_date": "no retake date"}


def _shown(value: Any, field: str = "") -> str:
    return _NONE_TEXT.get(field, "none") if value is None else str(value)


@dataclass
class CaseChange:
    """One case's recheck: what changed since its last verdict (empty `changes`: nothing)."""

    name: str
    before_as_of: Optional[str]
    before_rules_version: Optional[str]
    after_as_of: Optional[str] = None
    after_rules_version: Optional[str] = None
    changes: list[FieldChange] = field(default_factory=list)
    error: Optional[str] = None  # the profile no longer validates, or a plugin failed on it
    decision_before: Optional[str] = None
    decision_after: Optional[str] = None

    @property
    def changed(self) -> bool:
        return bool(self.changes) or self.error is not None

    @property
    def rules(self) -> list[str]:
        """Every rule (or deadline) id named by a change, in order, once."""
        seen: dict[str, None] = {}
        for change in self.changes:
            for rule in change.rules:
                seen.setdefault(rule, None)
        return list(seen)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "changed": self.changed, "error": self.error,
            "before": {"as_of": self.before_as_of, "rules_version": self.before_rules_version,
                       "decision": self.decision_before},
            "after": {"as_of": self.after_as_of, "rules_version": self.after_rules_version,
                      "decision": self.decision_after},
            "rules": self.rules,
            "changes": [c.to_dict() for c in self.changes],
        }


def _reason_ids(verdict: Mapping[str, Any]) -> list[str]:
    return [r["rule"] for r in verdict.get("reasons") or [] if not r["rule"].endswith("." + STALE_POLICY_RULE)]


def _concluding(ids: list[str], rules: Optional[Mapping[str, Any]], kind: str) -> list[str]:
    if rules is None:
        return []
    found = []
    for rule_id in ids:
        rule = rules.get(rule_id)
        if rule is not None and any(c.get("t") == kind for c in getattr(rule, "then", ())):
            found.append(rule_id)
    return found


def _policy_moved(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, ...]:
    """Exam-policy rules (not the framework's judgement) that newly fire or no longer fire."""
    old_ids, new_ids = _reason_ids(old), _reason_ids(new)
    moved = [r for r in new_ids if r not in old_ids] + [r for r in old_ids if r not in new_ids]
    return tuple(dict.fromkeys(r for r in moved if not r.startswith("framework.")))


def _responsible(old: Mapping[str, Any], new: Mapping[str, Any], rules: Optional[Mapping[str, Any]],
                 kind: str) -> tuple[str, ...]:
    old_ids, new_ids = _reason_ids(old), _reason_ids(new)
    if rules is None:
        moved = [r for r in new_ids if r not in old_ids] + [r for r in old_ids if r not in new_ids]
        return tuple(dict.fromkeys(moved))
    before, after = _concluding(old_ids, rules, kind), _concluding(new_ids, rules, kind)
    moved = [r for r in after if r not in before] + [r for r in before if r not in after]
    return tuple(dict.fromkeys(moved or after))


def _deadlines(verdict: Mapping[str, Any]) -> dict[str, str]:
    return {d["id"]: d["date"] for d in (verdict.get("eligibility") or {}).get("deadlines") or []}


def diff_exam(exam: str, old: Mapping[str, Any], new: Mapping[str, Any],
              rules: Optional[Mapping[str, Any]] = None) -> list[FieldChange]:
    """What changed between two verdicts of one exam."""
    changes: list[FieldChange] = []
    if old.get("decision") != new.get("decision"):
        changes.append(FieldChange(exam, "decision", old.get("decision"), new.get("decision"),
                                   _responsible(old, new, rules, "decision")))
    if old.get("outcome") != new.get("outcome"):
        changes.append(FieldChange(exam, "outcome", old.get("outcome"), new.get("outcome"),
                                   _responsible(old, new, rules, "outcome")))
    old_earliest = (old.get("eligibility") or {}).get("earliest_date")
    new_earliest = (new.get("eligibility") or {}).get("earliest_date")
    if old_earliest != new_earliest:
        # Dates are the plugin's eligibility arithmetic, not a rule's conclusion: name the policy
        # rules whose firing changed with it.
        changes.append(FieldChange(exam, "earliest_date", old_earliest, new_earliest, _policy_moved(old, new)))
    old_dates, new_dates = _deadlines(old), _deadlines(new)
    for deadline_id in list(dict.fromkeys([*old_dates, *new_dates])):
        if old_dates.get(deadline_id) != new_dates.get(deadline_id):
            changes.append(FieldChange(exam, "deadline", old_dates.get(deadline_id), new_dates.get(deadline_id),
                                       (f"{exam}:{deadline_id}",), item=deadline_id))
    old_ids, new_ids = _reason_ids(old), _reason_ids(new)
    changes += [FieldChange(exam, "reason", None, True, (r,), item=r) for r in new_ids if r not in old_ids]
    changes += [FieldChange(exam, "reason", True, None, (r,), item=r) for r in old_ids if r not in new_ids]
    return changes


def diff_verdicts(old: Mapping[str, Any], new: Mapping[str, Any],
                  rules: Optional[Mapping[str, Any]] = None) -> list[FieldChange]:
    """What changed between two verdict JSONs of one case (either shape), exam by exam."""
    old_exams, new_exams = per_exam(old), per_exam(new)
    changes: list[FieldChange] = []
    for exam in list(dict.fromkeys([*old_exams, *new_exams])):
        if exam not in old_exams:
            changes.append(FieldChange(exam, "exam", None, new_exams[exam].get("decision")))
        elif exam not in new_exams:
            changes.append(FieldChange(exam, "exam", old_exams[exam].get("decision"), None))
        else:
            changes += diff_exam(exam, old_exams[exam], new_exams[exam], rules)
    return changes
