"""Judging batch rows in worker processes, output still in input order, exactly one record per row.

durable_rules holds one engine per process behind one lock, so threads cannot judge in parallel;
processes can. The rows are cut into chunks; at most a few chunks per worker are in flight at
once, so memory stays flat however long the input is, and chunks are yielded back in the order
they were read. Each worker builds its own pipeline once (same plugins: same environment).

Rows that are already errors (reading failed) are turned into records here, without a worker.
If a worker dies (a plugin crashing the interpreter, the OOM killer), the pool fails every chunk in
flight; those chunks are re-judged row by row in a separate one-worker pool, so only a row that
kills its worker again becomes an "internal fault" record: still one per row, still in order.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import types
from collections import deque
from contextlib import contextmanager
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import resource_tracker
from datetime import date
from itertools import islice
from typing import Any, Iterable, Iterator

from core.batch.row_verdicts import BatchStats, _empty_record, count, judge_row_records, judge_rows
from core.batch.reading import Row
from core.batch.schema import Format
from core.batch.signals import stops_held
from core.errors import ProfileError

CHUNK_ROWS = 200  # about 40 ms of judging: large enough to hide the hand-over, small enough to stream
IN_FLIGHT_PER_JOB = 3
MAX_RESTARTS = 3  # after that, the rest of the rows are faults rather than a crash loop

_worker_pipeline: Any = None


def default_jobs() -> int:
    """The machine's cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _init_worker() -> None:
    global _worker_pipeline
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle (it cleans up)
    if hasattr(signal, "pthread_sigmask"):  # born with SIGINT blocked (_plain_main); ignored from now on
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    # A worker never writes to stdout (the records go back to the parent): a plugin's print()
    # must not land in the middle of the output, so stdout is the worker's stderr.
    try:
        os.dup2(2, 1)
    except OSError:
        pass
    sys.stdout = sys.stderr
    from core.pipeline import default_pipeline

    _worker_pipeline = default_pipeline()


Result = list[tuple[dict[str, Any], str]]  # the records of one input row, with their kinds
Item = tuple[int, Any, "Result | None"]


def _judge_chunk(items: list[Item], as_of: date, csv_names: bool) -> list[Result]:
    return [done if done is not None else judge_row_records(row, raw, as_of, _worker_pipeline, csv_names)
            for row, raw, done in items]


def _died(items: list[Item], exc: BaseException) -> list[Result]:
    out = []
    for row, raw, done in items:
        if done is not None:
            out.append(done)
            continue
        record = _empty_record(row, raw)
        record["error"] = f"internal fault: the worker process judging this row stopped ({type(exc).__name__})"
        out.append([(record, "internal")])
    return out


@contextmanager
def _plain_main() -> Iterator[None]:
    """While workers are started: a bare `__main__`, so a spawned worker does not re-run the
    parent's main script (spawn does, and a host's unguarded script, such as Streamlit's AppTest
    one, would fail in every worker). Workers need nothing from it: they import core by name.

    SIGINT is blocked meanwhile on this thread, and a worker inherits the mask: Ctrl-C in a terminal
    goes to the whole process group, and a worker still starting (before `_init_worker` ignores
    SIGINT) died printing a KeyboardInterrupt traceback, ~15 lines per worker (seen with --jobs 2
    in the first seconds). The parent still gets the signal (another thread takes it, or it waits
    the few milliseconds until this block ends). multiprocessing's resource tracker does the same
    for its own process (bpo-33613) and unblocks SIGINT when it first starts, so it starts first.
    """
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    blocked = hasattr(signal, "pthread_sigmask")
    if blocked:
        resource_tracker.ensure_running()
        previous_mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        if blocked:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)
        if saved is not None:
            sys.modules["__main__"] = saved


def judge_rows_parallel(rows: Iterable[Row], as_of: date, pipeline: Any = None, *, jobs: int | None = None,
                        fmt: Format | None = None, stats: BatchStats | None = None,
                        chunk_rows: int = CHUNK_ROWS) -> Iterator[dict[str, Any]]:
    """`judge_rows` over `jobs` worker processes (default: the machine's cores), same records in
    the same order. With one job, or input of at most two chunks, it judges in this process (a
    worker's start-up, about half a second, would cost more than it saves)."""
    jobs = default_jobs() if jobs is None else jobs
    stats = stats if stats is not None else BatchStats()
    rows = iter(rows)
    head = list(islice(rows, 2 * chunk_rows))
    if jobs <= 1 or len(head) < 2 * chunk_rows:
        yield from judge_rows(_chain(head, rows), as_of, pipeline, fmt=fmt, stats=stats)
        return
    csv_names = fmt == "csv"
    context = multiprocessing.get_context("spawn")  # never fork a process that runs threads
    pending: deque[tuple[list[Item], Future]] = deque()
    executor = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_init_worker)
    state = {"results": 0, "in_process": False}
    restarts = 0

    def submit(items: list[Item]) -> Future:
        with _plain_main():
            return executor.submit(_judge_chunk, items, as_of, csv_names)

    try:
        chunks = _chunks(_chain(head, rows), chunk_rows, csv_names)
        for items in chunks:
            if state["in_process"]:
                yield from _records(_judge_here(items, as_of, pipeline, csv_names), stats)
                continue
            try:
                future = submit(items)
            except BrokenProcessPool as exc:  # a worker died: the rows in flight are faults, new workers go on
                while pending:
                    yield from _collect(pending.popleft(), stats, state, as_of, pipeline, csv_names)
                executor.shutdown(wait=True, cancel_futures=True)
                if state["in_process"]:
                    yield from _records(_judge_here(items, as_of, pipeline, csv_names), stats)
                    continue
                restarts += 1
                if restarts > MAX_RESTARTS:
                    yield from _records(_died(items, exc), stats)
                    continue
                executor = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_init_worker)
                future = submit(items)
            pending.append((items, future))
            if len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                yield from _collect(pending.popleft(), stats, state, as_of, pipeline, csv_names)
        while pending:
            yield from _collect(pending.popleft(), stats, state, as_of, pipeline, csv_names)
    finally:
        for _, future in pending:
            future.cancel()
        if pending:  # stopped early (Ctrl-C, SIGTERM, a write error): nobody reads the rows in flight
            _end_workers(executor)
        executor.shutdown(wait=True, cancel_futures=True)
        if state.get("isolator") is not None:
            if pending:
                _end_workers(state["isolator"])
            state["isolator"].shutdown(wait=True, cancel_futures=True)


def _end_workers(executor: ProcessPoolExecutor) -> None:
    """End the workers instead of waiting for them: `shutdown(wait=True)` lets a worker finish
    starting and judge the chunks already handed over, 4-7 s after a Ctrl-C on a loaded machine.
    `terminate_workers` is Python 3.14's; before it, the pool's process table (private, so looked
    up with care: missing, it is the wait as before)."""
    terminate = getattr(executor, "terminate_workers", None)
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        try:
            process.terminate()
        except (OSError, ValueError, AttributeError):
            pass


def _judge_here(items: list[Item], as_of: date, pipeline: Any, csv_names: bool) -> list[Result]:
    out: list[Result] = []
    with stops_held() as one_row:  # as in judge_rows: a stop waits for the row's end (core.batch.signals)
        if pipeline is None:
            from core.pipeline import default_pipeline

            with one_row:
                pipeline = default_pipeline()
        for row, raw, done in items:
            if done is not None:
                out.append(done)
                continue
            with one_row:
                out.append(judge_row_records(row, raw, as_of, pipeline, csv_names))
    return out


def _records(results: list[Result], stats: BatchStats) -> Iterator[dict[str, Any]]:
    for result in results:
        count(stats, result)
        for record, _ in result:
            yield record


def _collect(entry: tuple[list[Item], Future], stats: BatchStats, state: dict[str, Any], as_of: date,
             pipeline: Any, csv_names: bool) -> Iterator[dict[str, Any]]:
    """One chunk's records. If the workers broke before any chunk came back, they could not start
    here at all: this and every later chunk is judged in this process instead (said once on stderr)."""
    items, future = entry
    try:
        results = future.result()
    except BrokenProcessPool as exc:
        if state["results"] == 0:
            if not state["in_process"]:
                print(f"batch: worker processes could not start ({type(exc).__name__}); judging in this process",
                      file=sys.stderr)
            state["in_process"] = True
            results = _judge_here(items, as_of, pipeline, csv_names)
        else:
            results = _isolate(items, exc, state, as_of, csv_names)
    else:
        state["results"] += 1
    yield from _records(results, stats)


MAX_ISOLATED_DEATHS = 5  # rows that kill a worker again, each one a fault; after that, the rest are faults too


def _isolate(items: list[Item], exc: BaseException, state: dict[str, Any], as_of: date,
             csv_names: bool) -> list[Result]:
    """A broken pool fails every chunk in flight, most of them held by healthy workers. Re-judge
    this chunk's rows one at a time in a separate one-worker pool, so only a row that kills its
    worker again becomes a fault (never in this process: that row could kill the batch itself)."""
    out: list[Result] = []
    for item in items:
        if item[2] is not None:
            out.append(item[2])
            continue
        if state.get("deaths", 0) >= MAX_ISOLATED_DEATHS:
            out.extend(_died([item], exc))
            continue
        if state.get("isolator") is None:
            state["isolator"] = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                                    initializer=_init_worker)
        try:
            with _plain_main():
                future = state["isolator"].submit(_judge_chunk, [item], as_of, csv_names)
            out.extend(future.result())
        except BrokenProcessPool as again:
            state["deaths"] = state.get("deaths", 0) + 1
            state["isolator"].shutdown(wait=True, cancel_futures=True)
            state["isolator"] = None
            out.extend(_died([item], again))
    return out


def _chain(head: list[Row], rest: Iterator[Row]) -> Iterator[Row]:
    yield from head
    yield from rest


def _chunks(rows: Iterator[Row], size: int, csv_names: bool) -> Iterator[list[Item]]:
    while True:
        items: list[Item] = []
        for row, raw in islice(rows, size):
            if isinstance(raw, ProfileError):  # already decided: no worker needed (and no pickling)
                items.append((row, None, judge_row_records(row, raw, date.min, None, csv_names)))
            else:
                items.append((row, raw, None))
        if not items:
            return
        yield items
