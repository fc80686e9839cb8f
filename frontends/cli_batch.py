"""`retake batch`: many profiles in, one verdict or error row out per input row (see core.batch)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Iterator, Optional

import typer

from frontends.cli_common import (
    EXIT_INTERNAL, EXIT_ROW_ERRORS, _fail, _handled, _json_errors, _parse_day, _say, _warn_load_errors,
)

PROGRESS_MIN_BYTES = 64 * 1024  # a progress bar only for inputs long enough to wait for (about 400 rows)


def batch(
    source: str = typer.Argument(..., metavar="IN", help="CSV or JSON Lines file of profiles, or - for stdin."),
    output: Optional[str] = typer.Option(None, "-o", "--output", metavar="OUT",
                                         help="Output file: .csv, .jsonl or .ndjson (default: stdout, input's format)."),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="YYYY-MM-DD", help="Judge as of this day (default: today)."),
    in_format: Optional[str] = typer.Option(None, "--format", metavar="csv|jsonl",
                                            help="Input format (default: from IN's extension, else sniffed)."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", metavar="N", min=1, max=256,
                                       help="Worker processes judging rows (default: the machine's cores)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr for long inputs."),
) -> None:
    """Judge many profiles: one output row per input row, verdict or error, in order.

    Reads, judges and writes row by row (memory does not grow with the input), on --jobs worker
    processes. Exit 0 when every row was judged, 3 when some rows were errors (each names its
    field), 2 when IN cannot be read or OUT cannot be written, 1 when a plugin or the engine failed
    on a row. The output is written to a temporary file in OUT's folder and renamed at the end
    (also removed on Ctrl-C, SIGTERM and SIGHUP).
    """
    import time

    from core import batch as batching

    _json_errors(False)
    day = _parse_day(as_of)
    if in_format is not None and in_format not in ("csv", "jsonl"):
        _fail(f"--format: {in_format!r} is not a format", allowed="csv, jsonl")
    name = None if source == "-" else source
    to_file = output is not None and output != "-"
    if to_file:
        _check_output(source, output)
    stream, total = _open_input(source)
    fmt = in_format or batching.detect_format(name, stream.peek(4096)[:4096])

    out_fmt = fmt
    if to_file:
        try:
            out_fmt = batching.output_format(output)
        except ValueError as exc:
            _fail(f"-o/--output: {exc}")

    with _handled():
        rows, reader = batching.open_rows(stream, fmt)
        from core.pipeline import default_pipeline

        pipeline = default_pipeline()
    _warn_load_errors(pipeline.registry)

    stats = batching.BatchStats()
    started = time.perf_counter()
    records = batching.judge_rows_parallel(rows, day, pipeline, jobs=jobs, fmt=fmt, stats=stats)
    show = progress and total is not None and total >= PROGRESS_MIN_BYTES  # stdin: the summary line only
    previous = _cleanup_on_signals()
    try:
        with _handled():
            if not to_file:
                _write_with_progress(records, sys.stdout, out_fmt, reader, total, show)
                sys.stdout.flush()
            else:
                with batching.atomic_writer(output) as fh:
                    _write_with_progress(records, fh, out_fmt, reader, total, show)
    except BrokenPipeError:
        raise  # stdout's reader went away (`| head`): Click ends quietly (exit 1), not an output-file error
    except PermissionError as exc:
        _fail(f"-o/--output: cannot write to {Path(output or '.').parent or '.'}: {exc.strerror}",
              allowed="a writable folder")
    except OSError as exc:
        _fail(f"-o/--output: cannot write {output}: {exc.strerror or exc}")
    finally:
        records.close()  # stops the worker processes, also when writing failed
        _restore_signals(previous)
    elapsed = time.perf_counter() - started

    where = f" -> {output}" if to_file else ""
    rate = f", {stats.rows / elapsed:,.0f} rows/s" if elapsed > 0 and stats.rows else ""
    _say(f"{stats.rows:,} rows: {stats.judged:,} judged, {stats.input_errors:,} with input errors, "
         f"{stats.internal_errors:,} internal faults{where} ({elapsed:.1f} s{rate})")
    if stats.internal_errors:
        raise typer.Exit(EXIT_INTERNAL)
    if stats.input_errors:
        raise typer.Exit(EXIT_ROW_ERRORS)


def _check_output(source: str, output: str) -> None:
    """OUT must be a file name in an existing folder, and never IN itself (not even by another path)."""
    out = Path(output)
    if out.is_dir():
        _fail(f"-o/--output: {output} is a folder", allowed="a file name ending in .csv, .jsonl or .ndjson")
    folder = out.parent
    if not folder.is_dir():
        _fail(f"-o/--output: the folder {folder} does not exist", allowed="an existing, writable folder")
    if source != "-":
        try:
            same = out.exists() and Path(source).exists() and os.path.samefile(source, output)
        except OSError:
            same = False
        if same or (not out.exists() and out.resolve() == Path(source).resolve()):
            _fail(f"-o/--output: {output} is the input file {source}; writing the verdicts there would destroy it",
                  allowed="another file name")


def _open_input(source: str) -> tuple[Any, int | None]:
    """IN as a buffered binary stream, and its size when it is a regular file (for the progress bar)."""
    import io
    import stat

    try:
        if source == "-":
            raw = getattr(sys.stdin, "buffer", None)
            if raw is None:  # a text-only stdin (tests): its text as UTF-8 bytes
                raw = io.BytesIO(sys.stdin.read().encode("utf-8", "surrogatepass"))
            stream = raw if hasattr(raw, "peek") else io.BufferedReader(raw)
        else:
            if Path(source).is_dir():
                _fail(f"IN: {source} is a folder", allowed="a CSV or JSON Lines file, or -")
            stream = open(source, "rb")  # noqa: SIM115 - read to the end by the batch, closed at exit
    except FileNotFoundError:
        _fail(f"IN: file not found: {source}", allowed="a CSV or JSON Lines file, or -")
    except OSError as exc:
        _fail(f"IN: cannot read {source}: {exc.strerror}")
    if not hasattr(stream, "peek"):
        stream = io.BufferedReader(stream)
    try:
        info = os.fstat(stream.fileno())
        total = info.st_size if stat.S_ISREG(info.st_mode) else None
    except (OSError, io.UnsupportedOperation, AttributeError):
        total = len(stream.getbuffer()) if hasattr(stream, "getbuffer") else None
    return stream, total


def _cleanup_on_signals() -> dict[int, Any]:
    """SIGTERM and SIGHUP end the batch the way Ctrl-C does: the temporary output file is removed."""
    import signal
    import threading

    from core.errors import Stopped  # imported here, not inside the handler

    previous: dict[int, Any] = {}
    if threading.current_thread() is not threading.main_thread():
        return previous

    def stop(signum: int, frame: Any) -> None:
        raise Stopped(128 + signum)  # not a plugin's sys.exit(), even when it lands in plugin code

    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            previous[number] = signal.signal(number, stop)
    return previous


def _restore_signals(previous: dict[int, Any]) -> None:
    import signal

    for number, handler in previous.items():
        signal.signal(number, handler)


def _write_with_progress(records: Iterator[dict[str, Any]], fh: Any, fmt: str, reader: Any, total: int | None,
                         progress: bool) -> None:
    from core.batch import RecordWriter

    writer = RecordWriter(fh, fmt)  # type: ignore[arg-type]
    if not progress:
        for record in records:
            writer.write(record)
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    # Progress is measured in bytes read, so the input is never held (or read twice) to count rows.
    columns = [TextColumn("judging"), BarColumn(), DownloadColumn(), TextColumn("{task.fields[rows]:,} rows")]
    if total is not None:
        columns.append(TimeRemainingColumn())
    bar = Progress(*columns, console=Console(file=sys.stderr), transient=False)
    with bar:
        task = bar.add_task("rows", total=total, rows=0)
        number = 0
        for number, record in enumerate(records, start=1):
            writer.write(record)
            if number % 200 == 0:
                bar.update(task, completed=reader.bytes_read, rows=number)
        bar.update(task, completed=reader.bytes_read if total is None else total, rows=number)
