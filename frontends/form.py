"""The dashboard's form <-> the profile contract (the same schema as the CLI's YAML/JSON files).

Pure functions, no Streamlit: a validated `Profile` becomes widget values plus attempt rows for the
editable table, and widget values plus the edited table become a profile dict for `parse_profile`.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd
import yaml

from core.exams import ATTEMPT_RESULTS, ExamSpec
from core.profile import Profile

# Widget keys holding one profile field each (dotted contract path -> session-state key).
FIELD_KEYS = {
    "exam": "exam",
    "target.country": "country",
    "target.specialty": "specialty",
    "target.setting": "setting",
    "plan.predicted_score": "predicted_score",
    "plan.evidence": "evidence",
    "plan.months_to_application": "months_to_application",
    "plan.prep_months": "prep_months",
    "programs_accept_retakes": "stance",
    "application.clinical_experience_months": "clinical_months",
    "application.postgraduate_qualification": "postgraduate",
    "application.letters": "letters",
    "application.research": "research",
    "application.specialty_commitment": "commitment",
    "application.personal_statement": "statement",
    "application.interview": "interview",
    "exceptions.time_limit_expired": "time_limit_expired",
}
RESULTS = ATTEMPT_RESULTS
# The attempts table shows an empty result as words; the profile leaves the field out.
NOT_RECORDED = "not recorded"
RESULT_OPTIONS = (NOT_RECORDED, *ATTEMPT_RESULTS)
PART_PREFIX = "part: "
COUNTRY_NAMES = {
    "US": "United States", "GB": "United Kingdom", "CA": "Canada", "AU": "Australia", "IE": "Ireland",
    "NZ": "New Zealand", "DE": "Germany",
}


def _get(data: Mapping[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def widget_values(profile: Profile) -> dict[str, Any]:
    """The value of every profile widget for `profile`."""
    data = profile.model_dump(mode="json")
    return {key: _get(data, path) for path, key in FIELD_KEYS.items()}


def attempt_rows(profile: Profile) -> list[dict[str, Any]]:
    rows = []
    for attempt in profile.attempts:
        row: dict[str, Any] = {"date": attempt.date, "score": attempt.score, "result": attempt.result,
                               "pass_mark": attempt.pass_mark}
        for name, value in (attempt.parts or {}).items():
            row[PART_PREFIX + name] = value
        if attempt.result_date is not None:
            row["result_date"] = attempt.result_date
        rows.append(row)
    return rows


def attempt_columns(exam: ExamSpec | None, rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Date, score, result (not for exams judged by their parts); the sitting's pass mark where the exam sets one per sitting (or one was
    given); a column per sub-score the exam reports (IELTS/OET) or the rows already carry."""
    columns = ["date"]
    # An exam judged by its parts with no overall scale (PLAB 2: stations) has no overall score to enter:
    # no score column unless a row carries one, so its part columns fit at 1400 px with no sideways scroll.
    if not (exam is not None and exam.parts and exam.scale_on(date.today()) is None) or any(
            r.get("score") is not None for r in rows):
        columns.append("score")
    # IELTS / OET results follow from the parts (the GMC's minimums): no result column unless a row has one,
    # so every part column fits beside the date without a sideways scroll.
    if not (exam is not None and exam.parts) or any(not _blank(r.get("result")) and r.get("result") != NOT_RECORDED
                                                    for r in rows):
        columns.append("result")
    if (exam is not None and exam.pass_mark_per_sitting) or any(r.get("pass_mark") is not None for r in rows):
        columns.append("pass_mark")
    parts = list(exam.parts) if exam is not None else []
    for row in rows:
        parts += [k[len(PART_PREFIX):] for k in row if k.startswith(PART_PREFIX) and k[len(PART_PREFIX):] not in parts]
    columns += [PART_PREFIX + p for p in parts]
    if any(r.get("result_date") is not None for r in rows):
        columns.append("result_date")
    return columns


def attempts_frame(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=list(columns))
    for column in columns:
        if column in ("score", "pass_mark") or column.startswith(PART_PREFIX):
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
        elif column == "result":
            frame[column] = frame[column].map(lambda v: NOT_RECORDED if _blank(v) else v).astype("object")
    return frame


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _day(value: Any) -> Any:
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value.strip() if isinstance(value, str) else value


def _number(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def frame_to_attempts(frame: pd.DataFrame | Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The edited table as contract attempts: blank rows dropped, blank cells left out, oldest first."""
    records = frame.to_dict("records") if isinstance(frame, pd.DataFrame) else [dict(r) for r in frame]
    attempts = []
    for record in records:
        if all(_blank(v) or (k == "result" and v == NOT_RECORDED) for k, v in record.items()):
            continue
        attempt: dict[str, Any] = {}
        parts: dict[str, Any] = {}
        for column, value in record.items():
            if _blank(value) or (column == "result" and value == NOT_RECORDED):
                continue
            if column in ("date", "result_date"):
                attempt[column] = _day(value)
            elif column.startswith(PART_PREFIX):
                parts[column[len(PART_PREFIX):]] = _number(value)
            elif column in ("score", "pass_mark"):
                attempt[column] = _number(value)
            else:
                attempt[column] = value
        if parts:
            attempt["parts"] = parts
        attempts.append(attempt)
    # The contract lists sittings oldest first; a row added at the bottom for an older sitting is
    # put in its place rather than rejected (undated rows go last and are reported as missing a date).
    attempts.sort(key=lambda a: (not isinstance(a.get("date"), str), str(a.get("date", ""))))
    return attempts


def rows_for_exam(rows: Sequence[Mapping[str, Any]], exam: ExamSpec | None) -> tuple[list[dict[str, Any]], list[str]]:
    """The attempt rows typed so far, kept for a newly chosen exam: dates and results stay; a score off the
    new exam's scale, sub-scores it does not report and a per-sitting pass mark it does not set are cleared
    (they meant something only for the old exam). Returns the rows and what was cleared, in words."""
    kept: list[dict[str, Any]] = []
    cleared: set[str] = set()
    parts = set(exam.parts) if exam is not None else set()
    for row in rows:
        new: dict[str, Any] = {}
        for column, value in row.items():
            if _blank(value) or (column == "result" and value == NOT_RECORDED):
                continue
            if column.startswith(PART_PREFIX) and column[len(PART_PREFIX):] not in parts:
                cleared.add("sub-scores")
                continue
            if column == "pass_mark" and not (exam is not None and exam.pass_mark_per_sitting):
                cleared.add("pass marks")
                continue
            if column == "score":
                day = _as_date(row.get("date"))
                scale = exam.scale_on(day) if exam is not None and day is not None else None
                if scale is None or not is_number(value) or not scale.contains(float(value)):
                    cleared.add("scores")
                    continue
            new[column] = value
        if new:
            kept.append(new)
    return kept, sorted(cleared)


def _as_date(value: Any) -> date | None:
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def build_profile(values: Mapping[str, Any], attempts: list[dict[str, Any]]) -> dict[str, Any]:
    """Widget values and attempts as a contract profile (blank optional fields left out)."""
    profile: dict[str, Any] = {}
    for path, key in FIELD_KEYS.items():
        value = values.get(key)
        if value is None or (path == "exceptions.time_limit_expired" and not value):
            continue
        node = profile
        parts = path.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = _number(value)
    ordered = {"exam": profile.pop("exam", None), "attempts": attempts}
    ordered.update(profile)
    return ordered


def to_yaml(profile: Mapping[str, Any]) -> str:
    return yaml.safe_dump(dict(profile), sort_keys=False, allow_unicode=True)


def to_json(profile: Mapping[str, Any]) -> str:
    return json.dumps(profile, indent=2, default=str)


def country_options(registry_countries: Iterable[str], current: str | None) -> list[str]:
    options = sorted(set(registry_countries) | {"US", "GB", "CA"} | ({current} if current else set()))
    return options


def country_label(code: str) -> str:
    name = COUNTRY_NAMES.get(code)
    return f"{name} ({code})" if name else code


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value))


# --- the candidate: the form's exam plus the other exams of the same person ----------------------

SHARED_FIELDS = ("target", "application", "exceptions")
PER_EXAM_FIELDS = ("attempts", "plan", "programs_accept_retakes")


def build_candidate(profile: Mapping[str, Any], others: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The form's one-exam profile plus other exams as one candidate profile (`exams:` form).

    Without other exams the one-exam profile is returned unchanged, so the one-exam flow (and its
    downloads, saved cases and errors) stays exactly as before. The form's exam comes first and
    keeps its plan and stance; an other exam with no sittings is one still to sit.
    """
    if not others:
        return dict(profile)
    main = profile.get("exam")
    exams: dict[str, Any] = {main: {k: profile[k] for k in PER_EXAM_FIELDS if k in profile}}
    for exam_id, entry in others.items():
        if exam_id != main:
            exams[exam_id] = {k: v for k, v in entry.items() if k in PER_EXAM_FIELDS}
    out = {k: profile[k] for k in SHARED_FIELDS if k in profile}
    out["exams"] = exams
    return out


def split_candidate(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """A candidate profile (`exams:` form) as (the one-exam profile the form shows, the other exams).

    The form shows the first exam with sittings (else the first listed); the rest keep their order.
    """
    exams = dict(data.get("exams") or {})
    main = next((e for e, entry in exams.items() if (entry or {}).get("attempts")), next(iter(exams), None))
    one = {"exam": main, **{k: v for k, v in (exams.get(main) or {}).items() if k in PER_EXAM_FIELDS}}
    one.update({k: data[k] for k in SHARED_FIELDS if k in data})
    others = {e: dict(entry or {}) for e, entry in exams.items() if e != main}
    return one, others
