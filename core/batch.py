"""Batch mode: many profiles in (CSV or JSON Lines), one flat verdict record per row out.

Used by `retake batch` and by the dashboard's batch tab; no decision logic lives here, every row
goes through `Pipeline.evaluate`. The promise is that no row is ever lost: a row that cannot be
parsed or judged still yields a record, with `error` naming the field.

    rows = profile_rows(data, "csv")           # (row number, raw profile dict | ProfileError)
    for record in judge_rows(rows, as_of):     # one flat dict per input row, in order
        ...
    with atomic_writer(path) as fh:            # temp file in the same folder, renamed at the end
        write_records(records, fh, "csv")

CSV columns (one row per person; empty cell = field left out; header names are case-insensitive):

- `exam`, `programs_accept_retakes`
- `attempt1_date`, `attempt1_score`, `attempt1_result`, `attempt1_pass_mark`, `attempt1_result_date`,
  `attempt1_part_<name>` (a sub-score such as `attempt1_part_listening`), then `attempt2_…`, … oldest first
- `target_country`, `target_specialty`, `target_setting`
- `plan_predicted_score`, `plan_evidence`, `plan_months_to_application`, `plan_prep_months`
- `application_<field>` for every field of the profile's `application` block
- `exceptions_time_limit_expired`

JSON Lines: one profile object per line, the same schema as a YAML/JSON profile; blank lines are
skipped. `row` is the data row for CSV (1 = the first row under the header) and the line number
for JSON Lines.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Iterator, Literal, Mapping, TextIO

from core.errors import FieldError, ProfileError, RetakeError
from core.loading import MAX_PROFILE_BYTES
from core.model import Application, Attempt, Exceptions, Plan, Target

Format = Literal["csv", "jsonl"]
Row = tuple[int, "dict[str, Any] | ProfileError"]

# One output record per input row, in this column order.
OUTPUT_COLUMNS = (
    "row", "exam", "decision", "outcome", "can_retake", "earliest_date", "attempts_used", "attempts_left",
    "band", "red_flags", "error",
)
EXTENSIONS: dict[str, Format] = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
LIST_SEPARATOR = ";"  # red flag ids in one CSV cell

# The CSV header vocabulary, derived from the profile model so the two cannot drift apart.
TOP_COLUMNS = ("exam", "programs_accept_retakes")
SECTIONS = {"target": Target, "plan": Plan, "application": Application, "exceptions": Exceptions}
ATTEMPT_FIELDS = tuple(name for name in Attempt.model_fields if name != "parts")
_ATTEMPT_COLUMN = re.compile(r"^attempt([1-9][0-9]*)_(.+)$")
MAX_ATTEMPT_COLUMNS = 50  # the profile model allows at most 50 attempts


def csv_columns(attempts: int = 1) -> list[str]:
    """Every CSV column, with `attempts` numbered attempt groups (parts columns are open-ended)."""
    columns = ["exam"]
    for n in range(1, attempts + 1):
        columns += [f"attempt{n}_{name}" for name in ATTEMPT_FIELDS]
    for section, model in SECTIONS.items():
        columns += [f"{section}_{name}" for name in model.model_fields]
    columns.append("programs_accept_retakes")
    return columns


def _column_target(column: str) -> tuple[str, ...] | None:
    """Where a CSV column goes in the profile: ("exam",), ("target", "country"), ("attempt", 1, "score")…"""
    if column in TOP_COLUMNS:
        return (column,)
    match = _ATTEMPT_COLUMN.match(column)
    if match:
        number, rest = int(match.group(1)), match.group(2)
        if number > MAX_ATTEMPT_COLUMNS:
            return None
        if rest in ATTEMPT_FIELDS:
            return ("attempt", number, rest)  # type: ignore[return-value]
        if rest.startswith("part_") and len(rest) > len("part_"):
            return ("attempt", number, "parts", rest[len("part_"):])  # type: ignore[return-value]
        return None
    for section, model in SECTIONS.items():
        prefix = section + "_"
        if column.startswith(prefix) and column[len(prefix):] in model.model_fields:
            return (section, column[len(prefix):])
    return None


def _input_error(message: str, allowed: str = "", given: Any = None) -> ProfileError:
    return ProfileError.single("IN", message, given=given, allowed=allowed)


def _decode(data: bytes | str) -> str:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _input_error(f"is not UTF-8 text (byte {exc.start})", allowed="a UTF-8 CSV or JSON Lines file") from None
    if data.startswith("\ufeff"):
        data = data[1:]
    if "\x00" in data:
        raise _input_error("contains binary data", allowed="a UTF-8 CSV or JSON Lines file")
    if not data.strip():
        raise _input_error("is empty", allowed="a CSV file with a header row, or JSON Lines (see examples/batch/)")
    return data


def detect_format(name: str | None, data: bytes | str) -> Format:
    """The input's format from its file name, else from its first character (`{` means JSON Lines)."""
    if name:
        fmt = EXTENSIONS.get(Path(name).suffix.lower())
        if fmt:
            return fmt
    head = data[:4096].lstrip()
    first = head[:1].decode("utf-8", "replace") if isinstance(head, bytes) else head[:1]
    if first == "\ufeff":
        first = (head[3:4].decode("utf-8", "replace") if isinstance(head, bytes) else head[1:2])
    return "jsonl" if first == "{" else "csv"


def output_format(path: str | Path) -> Format:
    """The output format that `path`'s extension asks for. Raises ValueError for any other extension."""
    suffix = Path(path).suffix.lower()
    try:
        return EXTENSIONS[suffix]
    except KeyError:
        raise ValueError(f"unknown output extension {suffix or '(none)'!r}; allowed: "
                         + ", ".join(EXTENSIONS)) from None


# --- reading ----------------------------------------------------------------------------------

def profile_rows(data: bytes | str, fmt: Format) -> Iterator[Row]:
    """Each input row as (row number, raw profile dict) or (row number, ProfileError for that row).

    Raises ProfileError (field `IN`) at once when the input cannot be read at all: not UTF-8, empty,
    binary, or a CSV header with unknown, duplicate or missing columns.
    """
    if fmt not in ("csv", "jsonl"):
        raise _input_error(f"unknown format {fmt!r}", allowed="csv, jsonl")
    text = _decode(data)
    return _csv_rows(text) if fmt == "csv" else _jsonl_rows(text)


def _csv_rows(text: str) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except csv.Error as exc:
        raise _input_error(f"the CSV header cannot be read: {exc}") from None
    columns = [name.strip().lower() for name in header]
    targets = _check_header(columns)
    return _csv_records(reader, columns, targets)


def _check_header(columns: list[str]) -> list[tuple[Any, ...]]:
    unknown = [name for name in columns if name and _column_target(name) is None]
    if unknown:
        raise _input_error(
            f"unknown CSV column{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}", given=unknown[0],
            allowed=", ".join(csv_columns()) + ", attemptN_…, attemptN_part_<name>",
        )
    seen: set[str] = set()
    for name in columns:
        if name and name in seen:
            raise _input_error(f"the CSV column {name} appears twice", given=name)
        seen.add(name)
    if "exam" not in seen:
        raise _input_error("the CSV header has no exam column (is the first line the header?)",
                           allowed=", ".join(csv_columns()))
    return [_column_target(name) if name else () for name in columns]


def _csv_records(reader: Any, columns: list[str], targets: list[tuple[Any, ...]]) -> Iterator[Row]:
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # e.g. a cell over the csv module's size limit: report it, keep going
            number += 1
            yield number, ProfileError.single("", f"this CSV row cannot be read: {exc}")
            continue
        if not any(cell.strip() for cell in cells):
            continue  # a blank line (spreadsheets often leave some at the end)
        number += 1
        if len(cells) > len(columns) and any(cell.strip() for cell in cells[len(columns):]):
            yield number, ProfileError.single(
                "", f"this row has {len(cells)} cells but the header names {len(columns)} columns",
                allowed="one cell per header column (quote cells that contain commas)",
            )
            continue
        yield number, _csv_profile(cells, columns, targets)


def _number_or_text(value: str) -> float | str:
    try:
        return float(value)
    except ValueError:
        return value


def _csv_profile(cells: list[str], columns: list[str], targets: list[tuple[Any, ...]]) -> dict[str, Any] | ProfileError:
    profile: dict[str, Any] = {}
    attempts: dict[int, dict[str, Any]] = {}
    for cell, target in zip(cells, targets):
        value = cell.strip()
        if not value or not target:
            continue
        if target[0] == "attempt":
            attempt = attempts.setdefault(target[1], {})
            if target[2] == "parts":
                attempt.setdefault("parts", {})[target[3]] = _number_or_text(value)
            else:
                attempt[target[2]] = value
        elif len(target) == 1:
            profile[target[0]] = value
        else:
            profile.setdefault(target[0], {})[target[1]] = value
    if attempts:
        numbers = sorted(attempts)
        expected = list(range(1, len(numbers) + 1))
        if numbers != expected:
            gap = next(e for n, e in zip(numbers, expected) if n != e)
            return ProfileError.single(f"attempt{gap}_date", "is empty, but a later attempt is filled in",
                                       allowed="attempts numbered from 1, oldest first, without gaps")
        profile["attempts"] = [attempts[n] for n in numbers]
    return profile


def _jsonl_rows(text: str) -> Iterator[Row]:
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.strip()
        if not line:
            continue
        if len(line) > MAX_PROFILE_BYTES:
            yield number, ProfileError.single("", f"this line is {len(line):,} characters, too long for a profile",
                                              allowed=f"at most {MAX_PROFILE_BYTES:,}")
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, ProfileError.single("", f"this line is not valid JSON: {exc.msg} at column {exc.colno}",
                                              allowed="one JSON object per line")
            continue
        except RecursionError:
            yield number, ProfileError.single("", "this line is nested too deeply", allowed="one profile object")
            continue
        if not isinstance(value, dict):
            yield number, ProfileError.single("", f"this line holds a JSON {type(value).__name__}, not an object",
                                              allowed="one profile object per line")
            continue
        yield number, value


# --- judging ----------------------------------------------------------------------------------

@dataclass
class BatchStats:
    """Counts kept while judging: every row lands in exactly one of the three."""

    judged: int = 0
    input_errors: int = 0  # the row's data was wrong (its `error` names the field)
    internal_errors: int = 0  # a plugin or the engine failed on the row

    @property
    def rows(self) -> int:
        return self.judged + self.input_errors + self.internal_errors


def column_name(field: str) -> str:
    """A profile field path as the CSV column that holds it: `attempts[0].score` -> `attempt1_score`."""
    name = re.sub(r"attempts\[(\d+)\]\.?", lambda m: f"attempt{int(m.group(1)) + 1}_", field)
    name = name.replace("parts.", "part_").replace(".", "_")
    return name.rstrip("_")


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


def judge_rows(rows: Iterable[Row], as_of: date, pipeline: Any = None, *, fmt: Format | None = None,
               stats: BatchStats | None = None) -> Iterator[dict[str, Any]]:
    """One flat record per input row, in order (see OUTPUT_COLUMNS); `error` names the field.

    `fmt="csv"` names fields by their CSV column (`attempt1_score`) instead of the profile path.
    `stats`, when given, counts judged rows, input errors and internal faults.
    """
    if pipeline is None:
        from core.pipeline import default_pipeline

        pipeline = default_pipeline()
    stats = stats if stats is not None else BatchStats()
    csv_names = fmt == "csv"
    for row, raw in rows:
        record = _empty_record(row, raw)
        if isinstance(raw, ProfileError):
            record["error"] = _describe(raw, csv_names)
            stats.input_errors += 1
            yield record
            continue
        try:
            verdict = pipeline.evaluate(raw, as_of)
        except ProfileError as exc:
            record["error"] = _describe(exc, csv_names)
            stats.input_errors += 1
        except RetakeError as exc:  # PluginError / EngineError: the row is kept, the fault is named
            record["error"] = f"internal fault: {exc}"
            stats.internal_errors += 1
        except Exception as exc:  # noqa: BLE001 - never lose a row to a bug; the CLI exits 1
            record["error"] = f"internal fault: {type(exc).__name__}: {exc}"
            stats.internal_errors += 1
        else:
            eligibility = verdict.eligibility
            record.update(
                exam=verdict.exam, decision=verdict.decision, outcome=verdict.outcome,
                can_retake=eligibility.can_retake,
                earliest_date=eligibility.earliest_date.isoformat() if eligibility.earliest_date else None,
                attempts_used=eligibility.attempts_used, attempts_left=eligibility.attempts_left,
                band=verdict.band.id if verdict.band else None,
                red_flags=[flag.id for flag in verdict.red_flags],
            )
            stats.judged += 1
        yield record


# --- writing ----------------------------------------------------------------------------------

def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return value


class RecordWriter:
    """Writes records one at a time as CSV (header first) or JSON Lines."""

    def __init__(self, fh: TextIO, fmt: Format):
        self.fh, self.fmt = fh, fmt
        self._csv = None
        if fmt == "csv":
            self._csv = csv.writer(fh, lineterminator="\n")
            self._csv.writerow(OUTPUT_COLUMNS)

    def write(self, record: Mapping[str, Any]) -> None:
        if self._csv is not None:
            self._csv.writerow([_csv_cell(record.get(name)) for name in OUTPUT_COLUMNS])
        else:
            self.fh.write(json.dumps({name: record.get(name) for name in OUTPUT_COLUMNS}, ensure_ascii=False) + "\n")


def write_records(records: Iterable[Mapping[str, Any]], fh: TextIO, fmt: Format) -> int:
    """Write every record to `fh` in `fmt`; returns how many were written."""
    writer = RecordWriter(fh, fmt)
    count = 0
    for record in records:
        writer.write(record)
        count += 1
    return count


def records_text(records: Iterable[Mapping[str, Any]], fmt: Format) -> str:
    """The records as one CSV or JSON Lines string (for a download button)."""
    buffer = io.StringIO(newline="")
    write_records(records, buffer, fmt)
    return buffer.getvalue()


@contextmanager
def atomic_writer(path: str | Path) -> Iterator[TextIO]:
    """A text file that appears at `path` only when the block finishes without an exception.

    The data goes to a hidden temporary file in the same folder, which is renamed over `path` at
    the end (same file system, so the rename is atomic); on any exception, Ctrl-C included, the
    temporary file is removed and `path` is left as it was. Raises OSError if the folder is missing
    or not writable.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        try:
            mode = path.stat().st_mode & 0o777
        except OSError:
            mode = 0o644
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
