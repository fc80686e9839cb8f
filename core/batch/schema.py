"""The batch file schema: the two input formats, the CSV columns (see `core.batch` for the list) and
where each goes in a profile, and the columns of the output records.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from core.profile import Application, Attempt, Exceptions, Plan, Target

Format = Literal["csv", "jsonl"]

# One output record per input row, in this column order.
OUTPUT_COLUMNS = (
    "row", "exam", "decision", "outcome", "can_retake", "earliest_date", "attempts_used", "attempts_left",
    "band", "red_flags", "error",
)
EXTENSIONS: dict[str, Format] = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}

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


def column_name(field: str) -> str:
    """A profile field path as the CSV column that holds it: `attempts[0].score` -> `attempt1_score`."""
    name = re.sub(r"attempts\[(\d+)\]\.?", lambda m: f"attempt{int(m.group(1)) + 1}_", field)
    name = name.replace("parts.", "part_").replace(".", "_")
    return name.rstrip("_")
