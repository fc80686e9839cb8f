"""Time limits for plugin code: a plugin that hangs is reported by name, never waited on forever.

- `run_on_worker` (every plugin call: import, registration hooks, `retake_assess`): the call runs
  on a pooled worker thread and the caller waits at most `timeout` seconds, so the limit holds
  for anything, a call blocked in C (`time.sleep(3600)`, a socket read) included. Once the limit
  has passed the caller gets `HookTimedOut`, and the watchdog below interrupts the worker so that
  a hook spinning in Python code ends and frees it. A call blocked in C cannot be interrupted in
  process: its worker stays behind (a daemon thread) until the call returns; after `MAX_STUCK`
  such workers a plugin's further calls are refused at once (`Stuck`) rather than piling up
  threads. Measured (bench/bench_plugin_guard.py, 2 shared cores): a worker hand-off adds about
  30-50 µs to a verdict; a persistent worker *process* adds about 600 µs (pickling the exam, the
  profile and the assessment both ways) and a process forked per call about 7 ms, so the
  in-process worker is the design, and what it cannot do is documented.
- `call_with_deadline` (kept for callers that must stay on their own thread): the watchdog raises
  `HookTimedOut` inside the call once the deadline has passed; it takes effect when the call next
  runs Python code, not in the middle of one long blocking C call.
- `call_in_thread`: a one-off daemon thread, waited on at most `timeout` seconds.

The watchdog repeats an interruption every half second, so `except Exception` (and even a bare
`except:`) in a hook cannot swallow it for good.
"""

from __future__ import annotations

import ctypes
import math
import queue
import signal
import threading
import time
from typing import Any, Callable

POLL_SECONDS = 0.02
REPEAT_SECONDS = 0.5


class HookTimedOut(Exception):
    """A plugin hook did not answer within its time limit."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(f"did not answer within {seconds:g} s (timed out)")


class _Interrupted(BaseException):
    """Raised inside an overrunning hook by the watchdog. A BaseException, so that a plugin's
    `except Exception` does not swallow it; callers only ever see HookTimedOut."""


# --- in a thread: registration hooks ------------------------------------------------------------

def call_in_thread(fn: Callable[..., Any], args: tuple[Any, ...], timeout: float | None, name: str = "hook") -> Any:
    """`fn(*args)` in a daemon thread, waiting at most `timeout` seconds (None: no limit)."""
    if timeout is None:
        return fn(*args)
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller as is
            box["error"] = exc

    worker = threading.Thread(target=run, name=f"retake-{name}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise HookTimedOut(timeout)
    if "error" in box:
        raise box["error"]
    return box.get("result")


# --- on the caller's thread, with a watchdog: retake_assess --------------------------------------

_LOCK = threading.Lock()
_ACTIVE: dict[int, list[Any]] = {}  # id(entry) -> [thread id, deadline, interrupted, last interruption]
_WATCHDOG: threading.Thread | None = None
_set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc


def _interrupt(thread_id: int) -> None:
    _set_async_exc(ctypes.c_ulong(thread_id), ctypes.py_object(_Interrupted))
    if thread_id == _MAIN_THREAD and _WAKE_SIGNAL is not None:
        # The main thread may be blocked in a system call (sleep, a socket or pipe read): a signal
        # makes the call return EINTR, Python runs the (empty) handler, and the pending
        # interruption is raised there. Other threads cannot be woken this way.
        try:
            signal.pthread_kill(thread_id, _WAKE_SIGNAL)
        except (OSError, ValueError):
            pass


_MAIN_THREAD = threading.main_thread().ident
_WAKE_SIGNAL: int | None = None


def _wake_handler(signum: int, frame: object) -> None:
    """Does nothing: its only job is to let a blocked system call return on the main thread."""


def _install_wake_signal() -> None:
    """SIGALRM gets an empty handler, once, if nobody else uses it and we are on the main thread."""
    global _WAKE_SIGNAL
    wake = getattr(signal, "SIGALRM", None)
    if _WAKE_SIGNAL is not None or wake is None or threading.get_ident() != _MAIN_THREAD:
        return
    try:
        if signal.getsignal(wake) in (signal.SIG_DFL, None):
            signal.signal(wake, _wake_handler)
            _WAKE_SIGNAL = wake
    except (OSError, ValueError):
        pass


def _clear(thread_id: int) -> None:
    _set_async_exc(ctypes.c_ulong(thread_id), None)  # None: NULL, cancels a pending interruption


def _watch() -> None:
    while True:
        time.sleep(POLL_SECONDS)
        if not _ACTIVE:
            continue
        now = time.monotonic()
        with _LOCK:
            for entry in list(_ACTIVE.values()):
                if now >= entry[1] and (not entry[2] or now - entry[3] >= REPEAT_SECONDS):
                    entry[2], entry[3] = True, now
                    _interrupt(entry[0])


def _ensure_watchdog() -> None:
    global _WATCHDOG
    if _WATCHDOG is None:
        with _LOCK:
            if _WATCHDOG is None:
                _WATCHDOG = threading.Thread(target=_watch, name="retake-hook-watchdog", daemon=True)
                _WATCHDOG.start()


def _finish(token: int) -> None:
    """Forget the call; cancel an interruption the watchdog sent that has not been raised yet.

    Under the lock the watchdog cannot interrupt again, and once the entry is gone it never will.
    An interruption raised while we get here is caught and we try again.
    """
    while True:
        try:
            with _LOCK:
                entry = _ACTIVE.pop(token, None)
                if entry is not None and entry[2]:
                    _clear(entry[0])
            return
        except _Interrupted:
            continue


def call_with_deadline(fn: Callable[..., Any], args: tuple[Any, ...], timeout: float | None) -> Any:
    """`fn(*args)` on this thread; HookTimedOut if it is still running after `timeout` seconds."""
    if timeout is None:
        return fn(*args)
    if _WATCHDOG is None:
        _ensure_watchdog()
        _install_wake_signal()
    timeout = usable_timeout(timeout)
    if timeout is None:
        return fn(*args)
    entry = [threading.get_ident(), time.monotonic() + timeout, False, 0.0]
    token = id(entry)
    try:
        try:
            _ACTIVE[token] = entry
            result = fn(*args)
        finally:
            _finish(token)
    except _Interrupted:
        _finish(token)
        raise HookTimedOut(timeout) from None
    return result


# --- on a pooled worker thread: every plugin call ------------------------------------------------

MAX_STUCK = 2  # workers a plugin may leave blocked (in C) before its further calls are refused


class PluginRaised(Exception):
    """The plugin's own code raised `error` (any BaseException: SystemExit, KeyboardInterrupt …)."""

    def __init__(self, error: BaseException):
        self.error = error
        super().__init__(repr(error))


class Stuck(Exception):
    """A plugin left too many calls blocked; its further calls are refused without waiting."""


def usable_timeout(seconds: float | None) -> float | None:
    """A time limit the waiting primitives accept: None (no limit) for None, inf or huge values."""
    if seconds is None or math.isinf(seconds) or seconds > threading.TIMEOUT_MAX:
        return None
    return seconds


class _Worker:
    def __init__(self) -> None:
        self.inbox: queue.SimpleQueue = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._serve, name="retake-plugin-worker", daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        # A late interruption from the watchdog (aimed at an abandoned call that has just ended)
        # must not kill the worker or lose the reply the reaper waits for.
        while True:
            try:
                job = self.inbox.get()
            except _Interrupted:
                continue
            if job is None:
                return
            fn, args, reply = job
            try:
                result: tuple[bool, Any] = (True, fn(*args))
            except BaseException as exc:  # noqa: BLE001 - handed to the caller, which decides
                result = (False, exc)
            while True:
                try:
                    reply.put(result)
                    break
                except _Interrupted:
                    continue


_IDLE: list[_Worker] = []
_IDLE_LOCK = threading.Lock()
_STUCK: dict[str, int] = {}  # plugin name -> workers still blocked in an abandoned call


def _take_worker() -> _Worker:
    with _IDLE_LOCK:
        if _IDLE:
            return _IDLE.pop()
    return _Worker()


def _give_back(worker: _Worker) -> None:
    with _IDLE_LOCK:
        if len(_IDLE) < 8:
            _IDLE.append(worker)
            return
    worker.inbox.put(None)


def run_on_worker(plugin: str, fn: Callable[..., Any], args: tuple[Any, ...], timeout: float | None) -> Any:
    """`fn(*args)` on a worker thread, waiting at most `timeout` seconds (None: no limit).

    Raises PluginRaised for anything `fn` raised, HookTimedOut when the limit passed, Stuck when
    `plugin` already has MAX_STUCK blocked workers. A KeyboardInterrupt while waiting (Ctrl-C in
    the main thread) propagates as it is.
    """
    if _STUCK.get(plugin, 0) >= MAX_STUCK:
        raise Stuck(f"{_STUCK[plugin]} earlier calls are still blocked after their time limit")
    limit = usable_timeout(timeout)
    worker = _take_worker()
    reply: queue.SimpleQueue = queue.SimpleQueue()
    worker.inbox.put((fn, args, reply))
    try:
        ok, value = reply.get(timeout=limit) if limit is not None else reply.get()
    except queue.Empty:
        _abandon(plugin, worker, reply)
        raise HookTimedOut(timeout if timeout is not None else 0.0) from None
    _give_back(worker)
    if ok:
        return value
    raise PluginRaised(value)


def _abandon(plugin: str, worker: _Worker, reply: queue.SimpleQueue) -> None:
    """Leave an overrunning call behind: interrupt it (ends Python-level loops) and count the
    worker as stuck until the call returns; then the worker ends."""
    with _IDLE_LOCK:
        _STUCK[plugin] = _STUCK.get(plugin, 0) + 1
    thread_id = worker.thread.ident
    if thread_id is not None:
        _ensure_watchdog()
        entry = [thread_id, time.monotonic(), False, 0.0]
        with _LOCK:
            _ACTIVE[id(entry)] = entry

        def released() -> None:
            reply.get()  # the abandoned call finally returned (or was interrupted)
            with _LOCK:
                _ACTIVE.pop(id(entry), None)
                if entry[2]:
                    _clear(thread_id)
            with _IDLE_LOCK:
                _STUCK[plugin] -= 1
            worker.inbox.put(None)

        threading.Thread(target=released, name="retake-plugin-reaper", daemon=True).start()
