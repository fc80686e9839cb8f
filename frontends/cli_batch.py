"""`retake batch`: many profiles in, one verdict or error row out per input row (see core.batch)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Iterator, Optional

import typer

from frontends.cli_common import (
    EXIT_INTERNAL, EXIT_ROW_ERRORS, _fail, _handled, _json_errors, _parse_day, _say, _warn_load_errors,
)

PROGRESS_MIN_ROWS = 200  # a progress bar only for inputs long enough to wait for


def batch(
    source: str = typer.Argument(..., metavar="IN", help="CSV or JSON Lines file of profiles, or - for stdin."),
    output: Optional[str] = typer.Option(None, "-o", "--output", metavar="OUT",
                                         help="Output file: .csv, .jsonl or .ndjson (default: stdout, input's format)."),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="YYYY-MM-DD", help="Judge as of this day (default: today)."),
    in_format: Optional[str] = typer.Option(None, "--format", metavar="csv|jsonl",
                                            help="Input format (default: from IN's extension, else sniffed)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr for long inputs."),
) -> None:
    """Judge many profiles: one output row per input row, verdict or error, in order.

    Exit 0 when every row was judged, 3 when some rows were errors (each names its field),
    2 when IN cannot be read or OUT cannot be written, 1 when a plugin or the engine failed on a row.
    The output is written to a temporary file in OUT's folder and renamed at the end.
    """
    import time

    from core import batch as batching

    _json_errors(False)
    day = _parse_day(as_of)
    if in_format is not None and in_format not in ("csv", "jsonl"):
        _fail(f"--format: {in_format!r} is not a format", allowed="csv, jsonl")
    name = None if source == "-" else source
    try:
        if source == "-":
            stream = getattr(sys.stdin, "buffer", None)
            data: bytes | str = stream.read() if stream is not None else sys.stdin.read()
        else:
            data = Path(source).read_bytes()
    except FileNotFoundError:
        _fail(f"IN: file not found: {source}", allowed="a CSV or JSON Lines file, or -")
    except IsADirectoryError:
        _fail(f"IN: {source} is a folder", allowed="a CSV or JSON Lines file, or -")
    except OSError as exc:
        _fail(f"IN: cannot read {source}: {exc.strerror}")
    fmt = in_format or batching.detect_format(name, data)

    out_fmt = fmt
    if output is not None and output != "-":
        if Path(output).is_dir():
            _fail(f"-o/--output: {output} is a folder", allowed="a file name ending in .csv, .jsonl or .ndjson")
        try:
            out_fmt = batching.output_format(output)
        except ValueError as exc:
            _fail(f"-o/--output: {exc}")
        folder = Path(output).parent
        if not folder.is_dir():
            _fail(f"-o/--output: the folder {folder} does not exist", allowed="an existing, writable folder")

    with _handled():
        rows = list(batching.profile_rows(data, fmt))
        from core.pipeline import default_pipeline

        pipeline = default_pipeline()
    _warn_load_errors(pipeline.registry)

    stats = batching.BatchStats()
    started = time.perf_counter()
    records = batching.judge_rows(rows, day, pipeline, fmt=fmt, stats=stats)
    try:
        if output is None or output == "-":
            _write_with_progress(records, sys.stdout, out_fmt, len(rows), progress)
            sys.stdout.flush()
        else:
            with batching.atomic_writer(output) as fh:
                _write_with_progress(records, fh, out_fmt, len(rows), progress)
    except BrokenPipeError:
        raise  # stdout's reader went away (`| head`): Click ends quietly (exit 1), not an output-file error
    except PermissionError as exc:
        _fail(f"-o/--output: cannot write to {Path(output or '.').parent or '.'}: {exc.strerror}",
              allowed="a writable folder")
    except OSError as exc:
        _fail(f"-o/--output: cannot write {output}: {exc.strerror or exc}")
    elapsed = time.perf_counter() - started

    where = f" -> {output}" if output not in (None, "-") else ""
    rate = f", {stats.rows / elapsed:,.0f} rows/s" if elapsed > 0 and stats.rows else ""
    _say(f"{stats.rows:,} rows: {stats.judged:,} judged, {stats.input_errors:,} with input errors, "
         f"{stats.internal_errors:,} internal faults{where} ({elapsed:.1f} s{rate})")
    if stats.internal_errors:
        raise typer.Exit(EXIT_INTERNAL)
    if stats.input_errors:
        raise typer.Exit(EXIT_ROW_ERRORS)


def _write_with_progress(records: Iterator[dict[str, Any]], fh: Any, fmt: str, total: int, progress: bool) -> None:
    from core.batch import RecordWriter

    writer = RecordWriter(fh, fmt)  # type: ignore[arg-type]
    if not progress or total < PROGRESS_MIN_ROWS:
        for record in records:
            writer.write(record)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("judging"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=Console(file=sys.stderr), transient=False)
    with bar:
        task = bar.add_task("rows", total=total)
        for number, record in enumerate(records, start=1):
            writer.write(record)
            if number % 50 == 0 or number == total:
                bar.update(task, completed=number)
