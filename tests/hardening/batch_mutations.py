"""Mutated batch files, and the check every one of them must pass (issue 16: no row lost, no fault).

A mutated file starts from the examples in `examples/batch/` (and the multi-exam rows in
`examples/candidates/` for JSON Lines), repeated to a few dozen rows, then gets a handful of
damages of the kinds people and programs really produce: cut or doubled lines, stray or
unbalanced quotes, bytes that are not UTF-8, NUL bytes, a lone surrogate escape, huge numbers,
cells moved, blank lines, CRLF, a byte order mark, formula-like cells, a truncated last line.

`check_file` judges the file the way `retake batch` does (`open_rows`, `judge_rows`, the writer)
and says what it saw. Its "no row lost" test counts rows independently of the reader: every
physical line after a CSV header (every JSON Lines line) that holds a letter or a digit must give
at least one output row with its number, and no output row may carry the number of a blank line
or of no line at all.
Seeded `random.Random`, so a failing file can be rebuilt from its seed.
"""

from __future__ import annotations

import io
import json
import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from core.batch import BatchStats, judge_rows, open_rows, write_records
from core.errors import ProfileError

ROOT = Path(__file__).resolve().parents[2]
BATCH = ROOT / "examples" / "batch"


def _seed_lines(fmt: str) -> tuple[bytes | None, list[bytes]]:
    """The header (CSV) and the data lines the mutations start from."""
    if fmt == "csv":
        lines = (BATCH / "profiles.csv").read_bytes().splitlines()
        return lines[0], [line for line in lines[1:] if line.strip()]
    lines = [line for line in (BATCH / "profiles.jsonl").read_bytes().splitlines() if line.strip()]
    for path in sorted((ROOT / "examples" / "candidates").glob("*.yaml")):  # multi-exam rows too
        lines.append(json.dumps(yaml.safe_load(path.read_text()), default=str).encode())
    return None, lines


def _damage(rng: random.Random, line: bytes) -> bytes:
    """One damage to one line."""
    kind = rng.randrange(14)
    if kind == 0 and line:
        cut = rng.randrange(len(line))
        return line[:cut]
    if kind == 1:
        at = rng.randrange(len(line) + 1)
        return line[:at] + b'"' + line[at:]
    if kind == 2:
        at = rng.randrange(len(line) + 1)
        return line[:at] + rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80\x80"]) + line[at:]
    if kind == 3:
        at = rng.randrange(len(line) + 1)
        return line[:at] + b"\x00" + line[at:]
    if kind == 4:
        return line.replace(b"2", b"9" * rng.choice([5, 40, 400]), 1)
    if kind == 5:
        return line.replace(b",", b",,", 1) if rng.random() < 0.5 else line.replace(b",", b"", 1)
    if kind == 6:
        return line + b"\r"
    if kind == 7:
        return rng.choice([b"=HYPERLINK(\"x\")", b"+1", b"-2+3", b"@SUM(A1)"]) + b"," + line
    if kind == 8:
        return line.replace(b"a", b"\\ud800", 1)
    if kind == 9:
        return line.replace(b"-", b"/", rng.randrange(1, 4))  # dates as 2025/09/14
    if kind == 10:
        return b" " * rng.randrange(1, 4) + line
    if kind == 11 and line:
        at = rng.randrange(len(line))
        return line[:at] + bytes([rng.randrange(256)]) + line[at + 1:]
    if kind == 12:
        return line.replace(b"true", b"True", 1).replace(b"{", b"[", 1)
    return line.upper()


def mutated_file(seed: int, fmt: str) -> bytes:
    """One damaged batch file of about 10-40 rows."""
    rng = random.Random(seed)
    header, seeds = _seed_lines(fmt)
    lines = [rng.choice(seeds) for _ in range(rng.randrange(10, 41))]
    for _ in range(rng.randrange(1, 8)):
        at = rng.randrange(len(lines))
        action = rng.random()
        if action < 0.7:
            lines[at] = _damage(rng, lines[at])
        elif action < 0.8:
            lines.insert(at, b"")  # a blank row (counted in row numbers, gives no output row)
        elif action < 0.9:
            lines.insert(at, lines[at])  # a doubled row
        else:
            del lines[at]
    if header is not None and rng.random() < 0.05:
        header = _damage(rng, header)  # now and then the header itself: the whole file may be refused
    body = ([header] if header is not None else []) + lines
    newline = b"\r\n" if rng.random() < 0.2 else b"\n"
    data = newline.join(body) + (newline if rng.random() < 0.9 else b"")
    if rng.random() < 0.05:
        data = b"\xef\xbb\xbf" + data
    return data


@dataclass
class FileResult:
    refused: bool = False  # the whole input was refused with a ProfileError naming IN (e.g. a broken header)
    rows_in: int = 0  # lines that should give a row
    rows_out: int = 0  # output records
    stats: BatchStats = field(default_factory=BatchStats)
    lost: list[int] = field(default_factory=list)  # input line numbers with no output row
    invented: list[int] = field(default_factory=list)  # output row numbers no input line has


def _line_numbers(data: bytes, fmt: str) -> tuple[set[int], set[int]]:
    """(rows that must appear in the output, rows that may), counted without the batch reader: a
    line with a letter or digit must give a row; any line that is not blank may (a lone quote or a
    NUL byte is that row's error); a blank line, or the CSV header, never does."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if lines and lines[0].startswith(b"\xef\xbb\xbf"):
        lines[0] = lines[0][3:]
    header_at = 0 if fmt == "jsonl" else next((n for n, line in enumerate(lines, 1) if line.strip()), 0)
    must, may = set(), set()
    for n, line in enumerate(lines, 1):
        if n <= header_at:
            continue
        if any(chr(b).isalnum() for b in line if b < 128):
            must.add(n - header_at)
        if line.strip():
            may.add(n - header_at)
    return must, may


def check_file(data: bytes, fmt: str, as_of: date, pipeline: Any) -> FileResult:
    """Judge `data` like `retake batch` and compare the output rows with the input's lines.

    Raises whatever the batch path raises other than a ProfileError refusing the whole input:
    the caller counts that as an internal fault."""
    result = FileResult()
    try:
        rows, _ = open_rows(io.BytesIO(data), fmt)
        out = io.StringIO()
        records = list(judge_rows(rows, as_of, pipeline, fmt=fmt, stats=result.stats))
    except ProfileError as exc:
        assert exc.errors and exc.errors[0].field == "IN", exc.errors
        result.refused = True
        return result
    write_records(records, out, fmt)  # the writer must take every record (escapes, formulas, surrogates)
    seen = {int(record["row"]) for record in records}
    must, may = _line_numbers(data, fmt)
    result.rows_in, result.rows_out = len(must), len(records)
    result.lost = sorted(must - seen)
    result.invented = sorted(seen - may)
    return result
