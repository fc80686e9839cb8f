"""Time limits for plugin hook calls: a plugin that hangs is reported by name, never waited on forever.

Two ways, chosen by what each call costs:

- `call_in_thread` (registration hooks, once per process at load): the hook runs in a daemon
  thread and the caller waits at most `timeout` seconds. It bounds anything, a `time.sleep` or
  a blocked socket included; a hook that never returns is left behind in its daemon thread.
- `call_with_deadline` (`retake_assess`, once per verdict): the hook runs on the caller's thread,
  and a watchdog thread raises `HookTimedOut` inside it once the deadline has passed. Handing each
  verdict to another thread would cost 15-50 µs; this costs well under 1 µs. Like any Python-level
  interruption it takes effect when the hook next runs Python code (a loop, a call, a short sleep
  in a polling loop), not in the middle of one long blocking C call such as `time.sleep(3600)`.
  The watchdog repeats the interruption every half second, so `except Exception` (and even a bare
  `except:`) in the hook cannot swallow it for good.
"""

from __future__ import annotations

import ctypes
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
