"""Reading batch input, streaming: CSV or JSON Lines bytes in, one raw profile (or that row's error) per row out.

The input is read one physical line at a time, so memory does not grow with the file, and every
problem stays with its row:
- a line that is not UTF-8, holds a NUL byte, is longer than a profile can be, or (JSON Lines) is
  not JSON, holds a number too long to convert or a lone surrogate escape becomes that row's error;
- a CSV row is one line: a profile cell never holds a line break, so a quote still open at the end
  of its line is that row's error ("unterminated quote") and reading goes on with the next line,
  instead of the quote swallowing every later row;
- row numbers count every line, blank ones too: CSV row N is spreadsheet row N + 1 (the header is
  row 1), JSON Lines row N is line N. Blank lines give no output row.
Only what makes the whole input unreadable raises ProfileError (field `IN`) at once: an empty
input, a UTF-16 file, a header that cannot be read or names unknown, duplicate or no `exam`
columns, or an input over `MAX_BATCH_BYTES`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, BinaryIO, Callable, Iterator

from core.batch.schema import Format, _column_target, csv_columns
from core.errors import ProfileError
from core.loading import MAX_PROFILE_BYTES

Row = tuple[int, "dict[str, Any] | ProfileError"]

# A batch can be large (1,000,000 rows is about 150 MB of CSV), but not endless: `yes | retake
# batch -` or /dev/zero must stop with a message rather than run forever.
MAX_BATCH_BYTES = 4 * 1024**3
_LINE_LIMIT = MAX_PROFILE_BYTES  # one row is one profile
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _input_error(message: str, allowed: str = "", given: Any = None) -> ProfileError:
    return ProfileError.single("IN", message, given=given, allowed=allowed)


def _decode(data: bytes | str) -> str:
    """A whole input as text (for callers that rework a CSV before `profile_rows` reads it, as the
    case book's import does); raises ProfileError (field `IN`) when it is not UTF-8 or is empty."""
    if isinstance(data, bytes):
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise _input_error("is not UTF-8 text (it is UTF-16)", allowed="a UTF-8 CSV or JSON Lines file")
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _input_error(f"is not UTF-8 text (byte {exc.start})", allowed="a UTF-8 CSV or JSON Lines file") from None
    if data.startswith("\ufeff"):
        data = data[1:]
    if not data.strip():
        raise _input_error("is empty", allowed="a CSV file with a header row, or JSON Lines (see examples/batch/)")
    return data


def _row_error(message: str, allowed: str = "") -> ProfileError:
    return ProfileError.single("", message, allowed=allowed)


class CountingReader:
    """A binary stream that counts the bytes read from it (the progress bar's measure) and stops
    at `MAX_BATCH_BYTES`."""

    def __init__(self, stream: BinaryIO, limit: int = MAX_BATCH_BYTES):
        self.stream, self.limit, self.bytes_read = stream, limit, 0

    def readline(self, size: int = -1) -> bytes:
        line = self.stream.readline(size)
        self.bytes_read += len(line)
        if self.bytes_read > self.limit:
            raise _input_error(f"is larger than {self.limit:,} bytes", allowed="split the batch into smaller files")
        return line


def _lines(reader: CountingReader) -> Iterator[tuple[int, bytes | None]]:
    """(line number, the line's bytes without its line break), or None for a line over the limit
    (read to its end and dropped, so a huge or endless line never sits in memory)."""
    number = 0
    while True:
        line = reader.readline(_LINE_LIMIT + 1)
        if not line:
            return
        number += 1
        if len(line) > _LINE_LIMIT and not line.endswith(b"\n"):
            while True:  # drop the rest of this line
                more = reader.readline(1024 * 1024)
                if not more or more.endswith(b"\n"):
                    break
            yield number, None
            continue
        yield number, line.rstrip(b"\r\n")


def _text(line: bytes) -> str | ProfileError:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _row_error(f"this line is not UTF-8 text (byte {exc.start + 1} is 0x{line[exc.start]:02x})",
                          allowed="UTF-8 text (save the file as UTF-8)")
    if "\x00" in text:
        return _row_error("this line holds a NUL byte (binary data)", allowed="text")
    return text


_TOO_LONG = f"this line is longer than {_LINE_LIMIT:,} bytes, too long for a profile"


def open_rows(stream: BinaryIO, fmt: Format) -> tuple[Iterator[Row], CountingReader]:
    """Each input row as (row number, raw profile dict) or (row number, ProfileError for that row),
    read from `stream` as the rows are consumed; and the reader (bytes read so far).

    Raises ProfileError (field `IN`) at once when the input cannot be read at all (see module doc).
    """
    if fmt not in ("csv", "jsonl"):
        raise _input_error(f"unknown format {fmt!r}", allowed="csv, jsonl")
    reader = CountingReader(stream)
    lines = _lines(reader)
    first = _first_line(lines)
    if first is None:
        raise _input_error("is empty", allowed="a CSV file with a header row, or JSON Lines (see examples/batch/)")
    if fmt == "csv":
        return _csv_rows(first, lines), reader
    return _jsonl_rows(first, lines), reader


def profile_rows(data: bytes | str, fmt: Format) -> Iterator[Row]:
    """`open_rows` over data held in memory (the dashboard's upload, tests)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    rows, _ = open_rows(io.BytesIO(raw), fmt)
    return rows


def _first_line(lines: Iterator[tuple[int, bytes | None]]) -> tuple[int, bytes | None] | None:
    """The first line that is not blank (skipping a UTF-8 byte order mark); refuses UTF-16 at once."""
    for number, line in lines:
        if number == 1 and line is not None:
            if line[:2] in (b"\xff\xfe", b"\xfe\xff"):
                raise _input_error("is not UTF-8 text (it is UTF-16)", allowed="a UTF-8 CSV or JSON Lines file")
            if line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
        if line is None or line.strip():
            return number, line
    return None


# --- CSV ---------------------------------------------------------------------------------------

def _csv_rows(first: tuple[int, bytes | None], lines: Iterator[tuple[int, bytes | None]]) -> Iterator[Row]:
    header_line, raw_header = first
    header = _header_cells(raw_header)
    columns = [name.strip().lower() for name in header]
    targets = _check_header(columns)
    return _csv_records(header_line, lines, columns, targets)


def _header_cells(raw: bytes | None) -> list[str]:
    if raw is None:
        raise _input_error("the CSV header cannot be read: " + _TOO_LONG)
    text = _text(raw)
    if isinstance(text, ProfileError):
        message = text.errors[0].message.replace("this line", "the header")
        raise _input_error(f"the CSV header cannot be read: {message}",
                           allowed="a UTF-8 CSV or JSON Lines file (no binary data)")
    cells = _split_csv(text)
    if isinstance(cells, ProfileError):
        raise _input_error(f"the CSV header cannot be read: {cells.errors[0].message}")
    return cells


def _split_csv(text: str) -> list[str] | ProfileError:
    """One line's cells; a quote left open at the end of the line is this row's error."""
    try:
        return next(csv.reader([text], strict=True), [])
    except csv.Error as exc:
        detail = "a quote is not closed on this line" if "unexpected end of data" in str(exc) else str(exc)
        return _row_error(f"this CSV row cannot be read: {detail}",
                          allowed='one row per line; a quoted cell ends with a closing " on the same line')


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


def _csv_records(header_line: int, lines: Iterator[tuple[int, bytes | None]], columns: list[str],
                 targets: list[tuple[Any, ...]]) -> Iterator[Row]:
    for line_number, raw in lines:
        number = line_number - header_line  # 1 = the line under the header, blank lines counted
        if raw is None:
            yield number, _row_error(_TOO_LONG, allowed=f"at most {_LINE_LIMIT:,} bytes per row")
            continue
        if not raw.strip(b" \t,\r"):
            continue  # a blank line, or one of empty cells (spreadsheets often leave some at the end)
        text = _text(raw)
        if isinstance(text, ProfileError):
            yield number, text
            continue
        cells = _split_csv(text)
        if isinstance(cells, ProfileError):
            yield number, cells
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns) and any(cell.strip() for cell in cells[len(columns):]):
            yield number, _row_error(
                f"this row has {len(cells)} cells but the header names {len(columns)} columns",
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


# --- JSON Lines --------------------------------------------------------------------------------

def _jsonl_rows(first: tuple[int, bytes | None], lines: Iterator[tuple[int, bytes | None]]) -> Iterator[Row]:
    yield from _jsonl_line(*first)
    for number, raw in lines:
        yield from _jsonl_line(number, raw)


def _jsonl_line(number: int, raw: bytes | None) -> Iterator[Row]:
    if raw is None:
        yield number, _row_error(_TOO_LONG, allowed=f"at most {_LINE_LIMIT:,} bytes per line")
        return
    if not raw.strip():
        return
    text = _text(raw)
    if isinstance(text, ProfileError):
        yield number, text
        return
    yield number, _parse_json(text)


def _parse_json(line: str) -> dict[str, Any] | ProfileError:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        return _row_error(f"this line is not valid JSON: {exc.msg} at column {exc.colno}",
                          allowed="one JSON object per line")
    except RecursionError:
        return _row_error("this line is nested too deeply", allowed="one profile object")
    except ValueError as exc:  # e.g. an integer of 4,301+ digits: Python refuses to convert it
        return _row_error(f"this line holds a number that cannot be read ({exc})".replace("\n", " "),
                          allowed="numbers of ordinary size")
    if not isinstance(value, dict):
        return _row_error(f"this line holds a JSON {type(value).__name__}, not an object",
                          allowed="one profile object per line")
    if _SURROGATE_ESCAPE.search(line) and _has_lone_surrogate(value):
        return _row_error("this line holds a lone surrogate escape (such as \\ud800), which is not text",
                          allowed="text that is valid Unicode")
    return value


def _has_lone_surrogate(value: Any, _encode: Callable[[str], bytes] = str.encode) -> bool:
    if isinstance(value, str):
        try:
            _encode(value)
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False
