"""A stored profile judged into a VerdictRecord: the full verdict JSON plus the columns a list needs.

Both profile shapes are handled: a one-exam profile gives the Verdict object; a multi-exam
(candidate) profile gives `{"as_of", "verdicts": {exam: Verdict}, "timeline", "rules_version"}`.
Everything else in core.cases reads verdicts through `per_exam`, so it never cares which.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Mapping

from core.cases.store import VerdictRecord


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a profile value")


def stored_profile(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The raw profile as JSON values (YAML reads days as dates): what the store keeps and gives back."""
    return json.loads(json.dumps(raw, default=_json_default))


def evaluate_json(pipeline: Any, profile: Mapping[str, Any], as_of: date) -> dict[str, Any]:
    """The verdict JSON `retake decide --json` prints for this profile (either form). Raises ProfileError.

    Both forms go through `core.candidate_verdict.evaluate_candidate`, the entry point `retake decide`
    uses: a one-exam profile gives the Verdict object exactly as `Pipeline.evaluate`, a multi-exam one
    `{"as_of", "verdicts", "timeline", "rules_version"}`.
    """
    from core.candidate import is_candidate_form
    from core.candidate_verdict import evaluate_candidate

    if is_candidate_form(profile):
        return evaluate_candidate(profile, as_of, pipeline).to_json_dict()
    return pipeline.evaluate(profile, as_of).to_json_dict()  # the same object, without the candidate view


def per_exam(verdict: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """{exam id: Verdict JSON} for either output shape."""
    if "verdicts" in verdict and isinstance(verdict["verdicts"], Mapping):
        return dict(verdict["verdicts"])
    return {str(verdict.get("exam")): dict(verdict)}


def _joined(values: dict[str, Any]) -> str | None:
    if len(values) == 1:
        value = next(iter(values.values()))
        return None if value is None else str(value)
    shown = [f"{exam}={value}" for exam, value in values.items() if value is not None]
    return "; ".join(shown) or None


def record_of(verdict: dict[str, Any]) -> VerdictRecord:
    """The summary columns of one verdict JSON (either shape)."""
    exams = per_exam(verdict)
    as_of = str(verdict.get("as_of"))
    deadlines = sorted(
        ({"exam": exam, "id": d["id"], "date": d["date"]}
         for exam, one in exams.items() for d in (one.get("eligibility") or {}).get("deadlines") or []),
        key=lambda d: (d["date"], d["exam"], d["id"]),
    )
    upcoming = [d["date"] for d in deadlines if d["date"] >= as_of]
    earliest = sorted(e for e in ((one.get("eligibility") or {}).get("earliest_date") for one in exams.values()) if e)
    return VerdictRecord(
        as_of=as_of,
        rules_version=str(verdict.get("rules_version") or next(iter(exams.values()), {}).get("rules_version", "")),
        decision=_joined({exam: one.get("decision") for exam, one in exams.items()}),
        outcome=_joined({exam: one.get("outcome") for exam, one in exams.items()}),
        earliest_date=earliest[0] if earliest else None,
        next_deadline=upcoming[0] if upcoming else None,
        deadlines=tuple(deadlines),
        verdict=verdict,
    )


def judge_profile(pipeline: Any, profile: Mapping[str, Any], as_of: date) -> VerdictRecord:
    """Judge a stored (or about to be stored) profile. Raises ProfileError when it does not validate."""
    return record_of(evaluate_json(pipeline, profile, as_of))
