"""Judging batch rows: every row through `Pipeline.evaluate`, one flat record out per row, never a lost row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Iterator, Mapping

from core.batch.reading import Row
from core.batch.schema import Format, column_name
from core.batch.signals import stops_held
from core.errors import FieldError, ProfileError, RetakeError


@dataclass
class BatchStats:
    """Counts kept while judging: every input row lands in exactly one of the three, and `records`
    counts what was written (more than the rows when a candidate row gives a record per exam)."""

    judged: int = 0
    input_errors: int = 0  # the row's data was wrong (its `error` names the field)
    internal_errors: int = 0  # a plugin or the engine failed on the row
    records: int = 0

    @property
    def rows(self) -> int:
        return self.judged + self.input_errors + self.internal_errors


def _describe(error: ProfileError, csv_names: bool) -> str:
    parts = []
    for one in error.errors:
        if csv_names and one.field:
            one = FieldError(column_name(one.field), one.message, one.given, one.allowed)
        parts.append(str(one))
    return "; ".join(parts)


def _empty_record(row: int, raw: Any) -> dict[str, Any]:
    exam = raw.get("exam") if isinstance(raw, Mapping) else None
    return {
        "row": row, "exam": exam if isinstance(exam, str) else None, "decision": None, "outcome": None,
        "can_retake": None, "earliest_date": None, "attempts_used": None, "attempts_left": None,
        "band": None, "red_flags": [], "error": None,
    }


def judge_row(row: int, raw: Any, as_of: date, pipeline: Any, csv_names: bool) -> tuple[dict[str, Any], str]:
    """One row's record and its kind: "judged", "input" (its `error` names the field) or "internal"."""
    record = _empty_record(row, raw)
    if isinstance(raw, ProfileError):
        record["error"] = _describe(raw, csv_names)
        return record, "input"
    try:
        # Filling the record in is guarded too: a verdict it cannot read (a bug) costs that row only,
        # not every row after it.
        return _filled(record, pipeline.evaluate(raw, as_of)), "judged"
    except Exception as exc:  # noqa: BLE001 - never lose a row to a bug; the CLI exits 1
        return _failed(_empty_record(row, raw), exc, csv_names)


def _failed(record: dict[str, Any], exc: Exception, csv_names: bool) -> tuple[dict[str, Any], str]:
    if isinstance(exc, ProfileError):
        record["error"] = _describe(exc, csv_names)
        return record, "input"
    if isinstance(exc, RetakeError):  # PluginError / EngineError: the row is kept, the fault is named
        record["error"] = f"internal fault: {exc}"
        return record, "internal"
    record["error"] = f"internal fault: {type(exc).__name__}: {exc}"
    return record, "internal"


def attempts_left_shown(eligibility: Any) -> int | None:
    """The `attempts_left` a record shows: none beside a retake that is not possible (a passed Step
    with 3 left reads as a contradiction, as on the command line), except 0, which is the reason."""
    left = eligibility.attempts_left
    return left if eligibility.can_retake or left == 0 else None


def _filled(record: dict[str, Any], verdict: Any) -> dict[str, Any]:
    eligibility = verdict.eligibility
    record.update(
        exam=verdict.exam, decision=verdict.decision, outcome=verdict.outcome,
        can_retake=eligibility.can_retake,
        earliest_date=eligibility.earliest_date.isoformat() if eligibility.earliest_date else None,
        attempts_used=eligibility.attempts_used, attempts_left=attempts_left_shown(eligibility),
        band=verdict.band.id if verdict.band else None,
        red_flags=[flag.id for flag in verdict.red_flags],
    )
    return record


def judge_row_records(row: int, raw: Any, as_of: date, pipeline: Any, csv_names: bool) -> list[tuple[dict[str, Any], str]]:
    """Every record one input row gives, with its kind. A one-exam row gives one (`judge_row`); a
    candidate row (`exams:`, issue 11) gives one per listed exam, in its order, each carrying the
    input's row number (an exam still to sit: decision null, error null); a failing row gives one
    error record with exam null. Never none."""
    if not (isinstance(raw, Mapping) and "exams" in raw):
        return [judge_row(row, raw, as_of, pipeline, csv_names)]
    from core.candidate_verdict import verdicts_for_batch

    try:
        out = []
        for exam_id, verdict in verdicts_for_batch(raw, as_of, pipeline):
            record = _empty_record(row, raw)
            record["exam"] = exam_id
            out.append((_filled(record, verdict) if verdict is not None else record, "judged"))
    except Exception as exc:  # noqa: BLE001 - never lose a row: the same error record judge_row gives
        return [_failed(_empty_record(row, raw), exc, csv_names)]
    if not out:  # the candidate schema asks for at least one exam; should that ever change, no row vanishes
        record = _empty_record(row, raw)
        record["error"] = "internal fault: the candidate row gave no exam to report"
        return [(record, "internal")]
    return out


def count(stats: BatchStats, result: list[tuple[dict[str, Any], str]]) -> None:
    """Count one input row's records (`judge_row_records`): the row is an internal fault if any of
    its records is, else an input error if any is, else judged. Counting each record instead said
    "5 rows" for two candidate rows of two and three exams."""
    kinds = {kind for _, kind in result}
    if "internal" in kinds:
        stats.internal_errors += 1
    elif "input" in kinds:
        stats.input_errors += 1
    else:
        stats.judged += 1
    stats.records += len(result)


def judge_rows(rows: Iterable[Row], as_of: date, pipeline: Any = None, *, fmt: Format | None = None,
               stats: BatchStats | None = None) -> Iterator[dict[str, Any]]:
    """One flat record per input row, in order (see OUTPUT_COLUMNS); `error` names the field.

    `fmt="csv"` names fields by their CSV column (`attempt1_score`) instead of the profile path.
    `stats`, when given, counts judged rows, input errors and internal faults. Judges in this
    process; `core.batch.parallel.judge_rows_parallel` spreads the work over worker processes.
    """
    stats = stats if stats is not None else BatchStats()
    csv_names = fmt == "csv"
    # A stop signal (SIGTERM, SIGHUP, Ctrl-C) takes effect between rows: raised inside a verdict it
    # can abort the process from within durable_rules (see core.batch.signals).
    with stops_held() as one_row:
        if pipeline is None:
            from core.pipeline import default_pipeline

            with one_row:  # building it runs the engine too (its self-check)
                pipeline = default_pipeline()
        for row, raw in rows:
            with one_row:
                result = judge_row_records(row, raw, as_of, pipeline, csv_names)
            count(stats, result)
            for record, _ in result:
                yield record
