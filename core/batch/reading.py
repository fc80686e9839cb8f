"""Reading batch input: CSV or JSON Lines text in, one raw profile (or that row's error) per row out."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterator

from core.batch.schema import Format, _column_target, csv_columns
from core.errors import ProfileError
from core.loading import MAX_PROFILE_BYTES

Row = tuple[int, "dict[str, Any] | ProfileError"]


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
