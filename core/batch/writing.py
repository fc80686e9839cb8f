"""Writing batch records: CSV (header first) or JSON Lines, to a stream, a string or a file renamed into place."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, TextIO

from core.batch.schema import OUTPUT_COLUMNS, Format
from core.batch.signals import stops_held

LIST_SEPARATOR = ";"  # red flag ids in one CSV cell
# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...) echoed from
# a bad input cell into `exam` or `error`): such a text cell is written with a leading apostrophe,
# which spreadsheets show as text. Numbers are never text cells here, so -3 stays -3.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        value = LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
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


def current_umask() -> int:
    """The process's umask (read from /proc where it can be, else set and restored at once)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


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
    # A signal landing between the file's creation and mkstemp's return would leave a `.part` file
    # nobody knows the name of: signals wait until `temp` is known and we are inside the block whose
    # cleanup removes it (a few microseconds, so a second signal waits too). Not the cause of the
    # `.part` files seen under load: see core.batch.signals.
    temp: str | None = None
    try:
        with stops_held(second_stops_now=False) as created, created:
            fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
        # errors="backslashreplace": text that is not valid Unicode (a lone surrogate) cannot stop
        # the writer half-way; readers refuse such rows, this is the last line of defence.
        with os.fdopen(fd, "w", encoding="utf-8", newline="", errors="backslashreplace") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        try:
            mode = path.stat().st_mode & 0o777  # replacing a file keeps its permissions
        except OSError:
            mode = 0o666 & ~current_umask()  # a new file gets what open() would give it
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        if temp is not None:
            try:
                os.unlink(temp)
            except OSError:
                pass
        raise
