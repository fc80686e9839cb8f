"""A batch file (CSV or JSON Lines, the `retake batch` formats) becomes cases; no row is lost.

Every input row ends in exactly one result: added, updated, unchanged (same name, same profile:
re-running an interrupted import is safe), refused (the name is taken by another profile) or
error (the row does not validate; its message names the field). Rows are read by core.batch's own
readers. A case's name comes from a `name` column (CSV) or key (JSON Lines), else `<file>-<row>`; a line
of `retake cases export` ({"name", "profile", "latest"}) imports back as its profile.
Cases are written `chunk` rows per transaction: a killed import keeps every whole chunk before it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Iterator, Optional

from core.cases.verdict_records import judge_profile, stored_profile
from core.cases.operations import check_name
from core.cases.recheck import _describe
from core.cases.store import CaseError, CaseStore, NewCase
from core.errors import ProfileError

NAME_FIELD = "name"
CHUNK = 200


@dataclass(frozen=True)
class RowResult:
    row: int
    name: Optional[str]
    status: str  # added | updated | unchanged | refused | error
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "name": self.name, "status": self.status, "message": self.message}


@dataclass
class ImportReport:
    rows: list[RowResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    def to_dict(self) -> dict[str, Any]:
        counts = {s: self.count(s) for s in ("added", "updated", "unchanged", "refused", "error")}
        return {"rows": len(self.rows), **counts, "results": [r.to_dict() for r in self.rows]}


def _csv_without_names(text: str) -> tuple[str, list[Optional[str]], dict[int, str]]:
    """The CSV with its `name` column taken out (so core.batch reads it), each data record's name
    in order, and the records the csv module could not read (by position). Matched to core.batch's
    rows by position, not row number, so its numbering rules (blank lines) are its own business."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return text, [], {}
    lowered = [h.strip().lower() for h in header]
    if NAME_FIELD not in lowered:
        return text, [], {}
    at = lowered.index(NAME_FIELD)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header[:at] + header[at + 1:])
    names: list[Optional[str]] = []
    unreadable: dict[int, str] = {}
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            unreadable[len(names)] = f"this CSV row cannot be read: {exc}"
            names.append(None)
            writer.writerow(["?"] * (len(header) - 1))  # keeps the row's place; its result is replaced
            continue
        if not any(cell.strip() for cell in cells):
            writer.writerow([])  # a blank line stays a blank line
            continue
        names.append(cells[at] if at < len(cells) and cells[at].strip() else None)
        writer.writerow(cells[:at] + cells[at + 1:])
    return out.getvalue(), names, unreadable


def import_rows(store: CaseStore, data: bytes | str, fmt: str, as_of: date, *, stem: str = "row",
                pipeline: Any = None, replace: bool = False, chunk: int = CHUNK,
                progress: Optional[Callable[[int], None]] = None) -> ImportReport:
    """Judge and store every row. Raises ProfileError (field IN) when the file cannot be read at all."""
    from core.batch import profile_rows
    from core.batch.row_verdicts import _describe as describe_row  # CSV rows name their column, as in `retake batch`
    from core.batch.reading import _decode

    if pipeline is None:
        from core.pipeline import default_pipeline

        pipeline = default_pipeline()
    names: list[Optional[str]] = []
    unreadable: dict[int, str] = {}
    if fmt == "csv":
        text, names, unreadable = _csv_without_names(_decode(data))
        rows: Iterator[Any] = profile_rows(text, "csv")
    else:
        rows = profile_rows(data, fmt)  # type: ignore[arg-type]
    report = ImportReport()
    batch: list[tuple[int, NewCase]] = []

    def flush() -> None:
        if not batch:
            return
        result = store.add_many([item for _, item in batch])
        refused = dict(result.refused)
        for row, item in batch:
            if item.name in refused:
                report.rows.append(RowResult(row, item.name, "refused", refused[item.name]
                                             + " (use --update to replace it)"))
            elif item.name in result.unchanged:
                report.rows.append(RowResult(row, item.name, "unchanged", "already saved with this profile"))
            elif item.name in result.updated:
                report.rows.append(RowResult(row, item.name, "updated"))
            else:
                report.rows.append(RowResult(row, item.name, "added"))
        batch.clear()

    for position, (row, raw) in enumerate(rows):
        if progress is not None:
            progress(position + 1)
        named = names[position] if position < len(names) else None
        if position in unreadable:
            flush()
            report.rows.append(RowResult(row, None, "error", unreadable[position]))
            continue
        if isinstance(raw, ProfileError):
            flush()
            report.rows.append(RowResult(row, named, "error", describe_row(raw, fmt == "csv")))
            continue
        given = raw.pop(NAME_FIELD, None) if isinstance(raw, dict) else None
        if isinstance(raw.get("profile"), dict) and set(raw) <= {"profile", "latest"}:
            raw = raw["profile"]  # a line of `retake cases export`
        given = named if named is not None else given
        try:
            name = check_name(str(given) if given is not None else f"{stem}-{row}")
            profile = stored_profile(raw)
            record = judge_profile(pipeline, profile, as_of)
        except (CaseError, ProfileError) as exc:
            flush()
            message = f"name: {exc}" if isinstance(exc, CaseError) else describe_row(exc, fmt == "csv")
            report.rows.append(RowResult(row, None if given is None else str(given), "error", message))
            continue
        except Exception as exc:  # noqa: BLE001 - a plugin fault on one row is that row's result
            flush()
            report.rows.append(RowResult(row, str(given) if given else None, "error", _describe(exc)))
            continue
        batch.append((row, NewCase(name, profile, record, replace=replace)))
        if len(batch) >= chunk:
            flush()
    flush()
    report.rows.sort(key=lambda r: r.row)
    return report
