"""Faults: a plugin that raises in each hook, returns garbage, or hangs is reported by name and the
others keep working; a batch interrupted midway leaves no partial output, also when a signal
lands at any instant (`signal_batches`, the stress harness); an output folder that cannot be
written gives a clear error."""

from __future__ import annotations

import dataclasses
import json
import os
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from core import hookimpl
from core.errors import PluginError
from core.pipeline import Pipeline
from core.plugins import build_registry
from frontends.cli import app

from days import AS_OF  # the one fixed day (tests/days.py)
USMLE = {"exam": "usmle-step2ck", "attempts": [{"date": "2025-09-14", "score": 221}],
         "target": {"country": "US", "specialty": "internal-medicine"}}
FAULTY = {**USMLE, "exam": "faulty-exam"}
STOP = threading.Event()  # lets abandoned hanging hooks end once this module is done
REGISTRATION_HOOKS = ("retake_register_exams", "retake_register_rules", "retake_register_specialties")


@pytest.fixture(scope="module", autouse=True)
def _stop_abandoned_hooks():
    yield
    STOP.set()


def _exam() -> Any:
    base = build_registry(env={"RETAKE_PLUGINS": "usmle"}).exams["usmle-step3"]
    return dataclasses.replace(base, id="faulty-exam", name="Faulty Exam", plugin="")


class Faulty:
    """A plugin with one exam whose hooks misbehave as told: `raise`, `garbage` or `hang`."""

    def __init__(self, hook: str, how: str):
        self.hook, self.how, self.exam = hook, how, _exam()

    def _misbehave(self, hook: str) -> Any:
        if hook != self.hook:
            return None
        if self.how == "raise":
            raise RuntimeError(f"boom in {hook}")
        if self.how == "hang":  # a polling loop that does not end while the test runs
            while not STOP.is_set():
                time.sleep(0.01)
            return None
        if self.how == "spin":  # a tight loop that never ends, swallowing every Exception
            while True:
                try:
                    pass
                except Exception:  # noqa: BLE001 - the point of the test
                    pass
        return "garbage"

    @hookimpl
    def retake_register_exams(self, register):
        garbage = self._misbehave("retake_register_exams")
        register(garbage if garbage is not None else self.exam)

    @hookimpl
    def retake_register_rules(self, register):
        garbage = self._misbehave("retake_register_rules")
        if garbage is not None:
            register(garbage)

    @hookimpl
    def retake_register_specialties(self, register):
        garbage = self._misbehave("retake_register_specialties")
        if garbage is not None:
            register(garbage)

    @hookimpl
    def retake_assess(self, exam, profile, as_of):
        garbage = self._misbehave("retake_assess")
        return garbage if garbage is not None else 42  # never an Assessment: only faults are tested


def pipeline_with(plugin: object, timeout: float = 0.5) -> Pipeline:
    registry = build_registry(extra=[("faulty", plugin)], strict=False,
                              env={"RETAKE_PLUGIN_TIMEOUT": str(timeout)})
    return Pipeline(registry)


def the_rest_work(pipeline: Pipeline) -> None:
    assert pipeline.evaluate(USMLE, AS_OF).decision == "not_allowed"
    assert {"usmle-step2ck", "plab1", "mccqe1"} <= set(pipeline.registry.exams)


@pytest.mark.parametrize("how", ["raise", "garbage", "hang"])
@pytest.mark.parametrize("hook", REGISTRATION_HOOKS)
def test_a_registration_hook_fault_is_reported_by_name(hook: str, how: str):
    started = time.monotonic()
    pipeline = pipeline_with(Faulty(hook, how), timeout=0.3)
    assert time.monotonic() - started < 10
    failed = {p.name: p.error for p in pipeline.registry.load_errors}
    assert "faulty" in failed, failed
    expected = {"raise": "boom in", "garbage": "not a", "hang": "timed out"}[how]
    assert expected in failed["faulty"]
    assert "faulty-exam" not in pipeline.registry.exams
    the_rest_work(pipeline)


@pytest.mark.parametrize("how,expected", [("raise", "RuntimeError: boom in retake_assess"),
                                          ("garbage", "returned str, not an Assessment"),
                                          ("hang", "timed out"), ("spin", "timed out")])
def test_an_assess_fault_fails_that_verdict_only(how: str, expected: str):
    pipeline = pipeline_with(Faulty("retake_assess", how), timeout=0.3)
    assert not pipeline.registry.load_errors
    started = time.monotonic()
    with pytest.raises(PluginError) as caught:
        pipeline.evaluate(FAULTY, AS_OF)
    assert time.monotonic() - started < 5
    assert caught.value.plugin == "faulty"
    assert expected in str(caught.value)
    the_rest_work(pipeline)
    the_rest_work(pipeline)  # and nothing stray was left behind on this thread


def test_a_hanging_plugin_in_a_batch_costs_one_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from core.batch import judge_rows

    pipeline = pipeline_with(Faulty("retake_assess", "hang"), timeout=0.2)
    rows = [(1, USMLE), (2, FAULTY), (3, USMLE)]
    records = list(judge_rows(rows, AS_OF, pipeline))
    assert [r["row"] for r in records] == [1, 2, 3]
    assert records[0]["decision"] == records[2]["decision"] == "not_allowed"
    assert "faulty" in records[1]["error"] and "timed out" in records[1]["error"]


def test_strict_mode_turns_a_hanging_registration_into_an_error():
    with pytest.raises(PluginError, match="timed out"):
        build_registry(extra=[("faulty", Faulty("retake_register_rules", "hang"))], strict=True,
                       env={"RETAKE_PLUGIN_TIMEOUT": "0.2"})


def test_the_time_limit_leaves_nothing_behind_on_the_hot_path():
    # Not timed (a timed bound flaked on a loaded machine; the speed is measured in bench/): each guarded
    # call adds one watchdog entry and removes it, returns the call's value, and many calls leave none.
    from core import timeouts

    before = dict(timeouts._ACTIVE)
    assert [timeouts.call_with_deadline(lambda n=n: n, (), 5.0) for n in range(2_000)] == list(range(2_000))
    assert timeouts._ACTIVE == before


# --- batches: interrupted, unwritable --------------------------------------------------------------

def _cohort(tmp_path: Path, rows: int = 40) -> Path:
    source = tmp_path / "cohort.jsonl"
    source.write_text("\n".join(json.dumps(USMLE) for _ in range(rows)) + "\n", encoding="utf-8")
    return source


def test_an_interrupted_batch_leaves_no_partial_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    out = tmp_path / "out" / "verdicts.jsonl"
    out.parent.mkdir()
    calls = {"n": 0}
    real = Pipeline.evaluate

    def interrupted(self: Pipeline, profile: Any, as_of: date) -> Any:
        calls["n"] += 1
        if calls["n"] == 20:
            raise KeyboardInterrupt  # Ctrl-C halfway
        return real(self, profile, as_of)

    monkeypatch.setattr(Pipeline, "evaluate", interrupted)
    try:
        result = CliRunner().invoke(app, ["batch", str(_cohort(tmp_path)), "-o", str(out), "--as-of", "2026-11-25",
                                          "--no-progress"])
    except KeyboardInterrupt:
        result = None
    if result is not None:
        assert result.exit_code != 0
    assert calls["n"] == 20
    assert list(out.parent.iterdir()) == []  # neither the output nor a temporary file


def test_an_existing_output_survives_an_interrupted_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    out = tmp_path / "verdicts.jsonl"
    out.write_text("yesterday's results\n", encoding="utf-8")

    def interrupted(self: Pipeline, profile: Any, as_of: date) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(Pipeline, "evaluate", interrupted)
    try:
        CliRunner().invoke(app, ["batch", str(_cohort(tmp_path, 3)), "-o", str(out), "--as-of", "2026-11-25",
                                 "--no-progress"])
    except KeyboardInterrupt:
        pass
    assert out.read_text(encoding="utf-8") == "yesterday's results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cohort.jsonl", "verdicts.jsonl"]


def _unwritable_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    for candidate in (folder, Path("/sys")):  # root ignores mode bits; /sys refuses even root
        try:
            (candidate / ".probe").touch()
        except OSError:
            return candidate
        (candidate / ".probe").unlink()
    pytest.skip("no folder here refuses writes")


def test_a_read_only_output_folder_gives_a_clear_error(tmp_path: Path):
    folder = _unwritable_folder(tmp_path)
    out = folder / "verdicts.jsonl"
    result = CliRunner().invoke(app, ["batch", str(_cohort(tmp_path, 3)), "-o", str(out), "--as-of", "2026-11-25",
                                      "--no-progress"])
    assert result.exit_code == 2, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit)
    assert "-o/--output" in result.stderr and "cannot write" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()
    os.chmod(tmp_path / "read-only", 0o755)


# --- batches: a stop signal at any instant ------------------------------------------------------
# `retake batch -o OUT` promises: on SIGTERM/SIGHUP/SIGINT no `.part` file is left, IN is untouched,
# and OUT is either as it was (absent, or the previous file) or complete (the signal came after the
# rename). These tests signal the real program, in a child process.

EXAMPLE_ROWS = Path(__file__).resolve().parents[2] / "examples" / "batch" / "profiles.csv"
SIGNAL_ROWS = 3_000  # about half a second of judging: the signal lands while rows are judged


def _signal_input(folder: Path) -> Path:
    lines = EXAMPLE_ROWS.read_text().splitlines()
    source = folder / "in.csv"
    source.write_text(lines[0] + "\n" + "\n".join(lines[1 + i % (len(lines) - 1)] for i in range(SIGNAL_ROWS)) + "\n")
    return source


def _batch_command(source: Path, target: Path) -> list[str]:
    import sys

    retake = Path(sys.executable).with_name("retake")
    return [str(retake), "batch", str(source), "-o", str(target), "--as-of", AS_OF.isoformat(), "--jobs", "1",
            "--no-progress"]


def _after_a_signal(folder: Path, source_bytes: bytes, previous: str | None) -> list[str]:
    """What is wrong with `folder` after an interrupted batch (nothing: [])."""
    wrong = []
    names = sorted(p.name for p in folder.iterdir())
    wrong += [f"left behind: {n}" for n in names if n.endswith(".part")]
    if (folder / "in.csv").read_bytes() != source_bytes:
        wrong.append("the input changed")
    target = folder / "out.csv"
    if target.exists():
        text = target.read_text()
        if text != previous and text.count("\n") != SIGNAL_ROWS + 1:
            wrong.append(f"out.csv is neither the previous file nor complete ({text.count(chr(10))} lines)")
    elif previous is not None:
        wrong.append("the previous out.csv is gone")
    return wrong


class _Creations:
    """Wakes when a file is created in a folder (Linux inotify, through libc); elsewhere, polls."""

    IN_CREATE = 0x100

    def __init__(self, folder: Path):
        import ctypes
        import ctypes.util

        self.folder, self.fd = folder, -1
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            self.fd = libc.inotify_init1(os.O_CLOEXEC)
            if self.fd >= 0 and libc.inotify_add_watch(self.fd, str(folder).encode(), self.IN_CREATE) < 0:
                os.close(self.fd)
                self.fd = -1
        except (OSError, AttributeError):
            self.fd = -1

    def wait_for(self, suffix: str, deadline: float) -> bool:
        import struct

        while time.monotonic() < deadline:
            if self.fd < 0:
                if any(p.name.endswith(suffix) for p in self.folder.iterdir()):
                    return True
                continue
            data, offset = os.read(self.fd, 4096), 0
            while offset < len(data):
                length = struct.unpack_from("iIII", data, offset)[3]
                name = data[offset + 16:offset + 16 + length].rstrip(b"\0").decode(errors="replace")
                if name.endswith(suffix):
                    return True
                offset += 16 + length
        return False

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)


def signal_batches(folder: Path, runs: int, max_delay: float, seed: int = 0) -> tuple[int, list[str]]:
    """Run `retake batch` `runs` times, each signalled (SIGTERM, SIGHUP or SIGINT in turn) a random
    0..`max_delay` seconds after its part file appears; half the runs replace an existing OUT.
    Returns (runs with something wrong, a description of each)."""
    import random
    import shutil
    import signal
    import subprocess

    rng = random.Random(seed)
    signals = [signal.SIGTERM, signal.SIGHUP, signal.SIGINT]
    problems: list[str] = []
    bad = 0
    for run in range(runs):
        where = folder / f"run{run}"
        where.mkdir()
        source = _signal_input(where)
        source_bytes = source.read_bytes()
        previous = "yesterday's verdicts\n" if run % 2 else None
        if previous is not None:
            (where / "out.csv").write_text(previous)
        creations = _Creations(where)
        proc = subprocess.Popen(_batch_command(source, where / "out.csv"), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, env={**os.environ, "PYTHONFAULTHANDLER": "1"})
        try:
            created = creations.wait_for(".part", time.monotonic() + 120)
        finally:
            creations.close()
        delay = rng.uniform(0, max_delay)
        end = time.perf_counter() + delay
        while time.perf_counter() < end:  # a busy wait: sleep() is far coarser than these delays
            pass
        signum = signals[run % len(signals)]
        proc.send_signal(signum)
        stderr = proc.communicate(timeout=120)[1].decode(errors="replace")
        wrong = _after_a_signal(where, source_bytes, previous)
        if not created:
            wrong.append("no part file appeared")
        if wrong:
            bad += 1
            last = stderr.strip().splitlines()[:1]
            problems.append(f"run {run} ({signal.Signals(signum).name} {delay * 1e3:.2f} ms after the part file, "
                            f"exit {proc.returncode}): {'; '.join(wrong)}; stderr: {last}")
        shutil.rmtree(where)
    return bad, problems


# The signal landing inside the first engine session, right after its opening fact, every time:
# durable_rules' assert_fact is wrapped to raise the signal when it returns, in the first verdict
# after the part file exists. Before the stop waited for the row's end, the handler's exception
# left that session half-made, its `delete_state` aborted the process ("double free or
# corruption") and the part file stayed (exit -6).
_SIGNAL_IN_FIRST_SESSION = """
import signal, sys, tempfile
import durable_rules_engine

made, signum = [], getattr(signal, sys.argv[1])
real_mkstemp, real_assert = tempfile.mkstemp, durable_rules_engine.assert_fact

def mkstemp(*args, **kwargs):
    made.append("part")
    return real_mkstemp(*args, **kwargs)

def assert_fact(*args):
    result = real_assert(*args)
    if made == ["part"]:
        made.append("signalled")
        signal.raise_signal(signum)  # its handler runs here, inside the session
    return result

tempfile.mkstemp, durable_rules_engine.assert_fact = mkstemp, assert_fact
from frontends.cli import main
sys.argv = ["retake"] + sys.argv[2:]
main()
"""


@pytest.mark.parametrize("signame,previous", [("SIGTERM", None), ("SIGHUP", "yesterday's verdicts\n"),
                                              ("SIGINT", None)])
def test_a_signal_inside_the_first_engine_session_leaves_no_part_file(tmp_path: Path, signame: str,
                                                                      previous: str | None):
    import subprocess
    import sys

    source = _signal_input(tmp_path)
    source_bytes = source.read_bytes()
    if previous is not None:
        (tmp_path / "out.csv").write_text(previous)
    command = _batch_command(source, tmp_path / "out.csv")
    done = subprocess.run([sys.executable, "-c", _SIGNAL_IN_FIRST_SESSION, signame, *command[1:]],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode != 0 and done.returncode > 0, (done.returncode, done.stderr[-2000:])
    assert "double free" not in done.stderr and "Fatal Python error" not in done.stderr
    assert _after_a_signal(tmp_path, source_bytes, previous) == []
    assert (tmp_path / "out.csv").exists() == (previous is not None)


@pytest.mark.slow
def test_signals_at_random_instants_after_the_part_file_appears(tmp_path: Path):
    # The stress harness, kept short here (about a second a run). For a measurement, run more:
    # RETAKE_SIGNAL_RUNS=200 pytest tests/hardening/test_faults.py -k random_instants, with two busy
    # loops beside it. Before the fix, 1 run in 10 to 20 left a part file (see core/batch/signals.py).
    runs = int(os.environ.get("RETAKE_SIGNAL_RUNS", "6"))
    bad, problems = signal_batches(tmp_path, runs, max_delay=0.05, seed=int(os.environ.get("RETAKE_SIGNAL_SEED", "0")))
    assert bad == 0, problems


@pytest.fixture
def recorded_hangups():
    """SIGHUP goes to a handler that records it (restored after the test)."""
    import signal

    got: list[str] = []
    previous = signal.signal(signal.SIGHUP, lambda signum, frame: got.append("handled"))
    try:
        yield got
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_a_stop_inside_a_row_waits_for_its_end_and_one_between_rows_goes_at_once(recorded_hangups: list[str]):
    import signal

    from core.batch.signals import stops_held

    with stops_held() as rows:
        with rows:
            signal.raise_signal(signal.SIGHUP)
            recorded_hangups.append("row ends")
        signal.raise_signal(signal.SIGHUP)
        recorded_hangups.append("between rows")
    assert recorded_hangups == ["row ends", "handled", "handled", "between rows"]


def test_a_second_stop_inside_a_row_goes_at_once_unless_told_to_wait(recorded_hangups: list[str]):
    import signal

    from core.batch.signals import stops_held

    for second_stops_now in (True, False):
        recorded_hangups.clear()
        with stops_held(second_stops_now) as rows, rows:
            signal.raise_signal(signal.SIGHUP)
            signal.raise_signal(signal.SIGHUP)
            recorded_hangups.append("block ends")
        expected = ["handled", "block ends", "handled"] if second_stops_now else ["block ends", "handled", "handled"]
        assert recorded_hangups == expected


def test_held_stops_give_back_the_handlers_they_found_and_keep_ones_installed_since(recorded_hangups: list[str]):
    import signal

    from core.batch.signals import stops_held

    mine = signal.getsignal(signal.SIGHUP)
    with stops_held():
        assert signal.getsignal(signal.SIGHUP) is not mine
    assert signal.getsignal(signal.SIGHUP) is mine

    def newer(signum: int, frame: Any) -> None:
        pass

    with stops_held():
        signal.signal(signal.SIGHUP, newer)  # a caller installed its own meanwhile: it stays
    assert signal.getsignal(signal.SIGHUP) is newer


def test_held_stops_do_nothing_off_the_main_thread(recorded_hangups: list[str]):
    import signal

    from core.batch.signals import stops_held

    seen: list[Any] = []

    def other() -> None:
        with stops_held() as rows, rows:
            seen.append(signal.getsignal(signal.SIGHUP))

    worker = threading.Thread(target=other)
    worker.start()
    worker.join()
    assert seen and seen[0] is signal.getsignal(signal.SIGHUP)


def test_ctrl_c_to_the_process_group_with_workers_stops_quietly_and_soon(tmp_path: Path):
    # A terminal's Ctrl-C reaches every process of the group, the workers too. A worker still starting
    # printed a KeyboardInterrupt traceback (~15 lines each); once started, the parent waited for the
    # workers to judge the chunks already handed over (4-7 s on a loaded machine).
    import signal
    import subprocess

    source = _signal_input(tmp_path)
    command = _batch_command(source, tmp_path / "out.csv")
    command[command.index("--jobs") + 1] = "2"
    creations = _Creations(tmp_path)
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        assert creations.wait_for(".part", time.monotonic() + 120)
    finally:
        creations.close()
    time.sleep(0.5)  # the workers are starting
    os.killpg(proc.pid, signal.SIGINT)
    signalled = time.monotonic()
    stderr = proc.communicate(timeout=120)[1].decode(errors="replace")
    assert proc.returncode == 130
    assert time.monotonic() - signalled < 3.0
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr[-2000:]
    assert _after_a_signal(tmp_path, source.read_bytes(), None) == []
