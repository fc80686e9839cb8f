"""Plugins are guests: everything a plugin runs (its import, registration and every hook) goes
through `guest_call` (import, registration: once per process) or `guest_call_here`
(`retake_assess`: once per verdict), which

- bound it by the time limit. Import and registration run on a worker thread the caller stops
  waiting for, so any hang is bounded, a call blocked in C included. `retake_assess` runs on the
  caller's thread under the watchdog (a worker hand-off per verdict measured 30-50 µs idle and
  several hundred µs on a loaded machine; a worker process ~600 µs, a forked process per call
  ~7 ms: see docs/writing-plugins.md, "Time limits"); on the main thread (every CLI command and
  batch) a blocked system call is woken by a signal, so `time.sleep(3600)` or a blocked read is
  bounded there too;
- catch every exception the plugin raises, `BaseException` included (`sys.exit()`, a
  `KeyboardInterrupt` raised by the plugin, `GeneratorExit`), and turn it into a `PluginError`
  naming the plugin, what it was doing and which hook (a real Ctrl-C still stops the command);
- send what the plugin prints to stderr, so a `print()` never corrupts `--json` or batch output on
  stdout. The swap is per thread (a proxy on `sys.stdout` that looks at the current thread), so
  two verdicts at once in the dashboard's threads cannot leave stdout pointing at stderr.

What is not bounded, precisely: a `retake_assess` blocked in C on a thread other than the main
one (the dashboard's sessions) until it returns to Python code; a C-level computation that never
makes a system call (on any thread, the main one included); a worker left blocked in C keeps its
thread (after `MAX_STUCK` such threads the plugin's further calls are refused at once). Writes
straight to file descriptor 1 (`os.write(1, ...)`) or to `sys.__stdout__` bypass the proxy;
memory a plugin allocates is not limited.
"""

from __future__ import annotations

import io
import signal
import sys
import threading
import time
from typing import Any, Callable

from core.errors import PluginError, ProfileError, Stopped
from core.timeouts import HookTimedOut, PluginRaised, Stuck, call_with_deadline, run_on_worker

_IN_PLUGIN = threading.local()


def _plugin_running() -> bool:
    return getattr(_IN_PLUGIN, "depth", 0) > 0


class _PluginStdout(io.TextIOBase):
    """`sys.stdout` while plugins can run: a plugin's thread writes to stderr, others to `real`."""

    def __init__(self, real: Any):
        self.real = real

    def _target(self) -> Any:
        return (sys.stderr or self.real) if _plugin_running() else self.real

    def write(self, text: str) -> int:  # type: ignore[override]
        target = self._target()
        if target is None:
            return len(text)
        return target.write(text)

    def flush(self) -> None:
        target = self._target()
        if target is not None and not getattr(target, "closed", False):
            target.flush()

    def close(self) -> None:
        """The proxy owns no stream: closing it (io's finalizer does, at exit) leaves the real one
        alone. Without this, Python 3.13 printed 'Exception ignored ... I/O operation on closed
        file' when a test runner's captured stdout was already closed."""

    def writable(self) -> bool:
        return True

    # io.TextIOBase defines these itself (fileno raising, isatty False, encoding None), so they never
    # reach __getattr__: answer for the real stream (rich asks fileno() when a pipe closes early).
    def fileno(self) -> int:
        return self.real.fileno()

    def isatty(self) -> bool:
        return bool(getattr(self.real, "isatty", lambda: False)())

    @property
    def encoding(self) -> Any:  # type: ignore[override]
        return getattr(self.real, "encoding", None)

    @property
    def errors(self) -> Any:  # type: ignore[override]
        return getattr(self.real, "errors", None)

    def __getattr__(self, name: str) -> Any:  # encoding, buffer, isatty, fileno … of the real stream
        return getattr(self.real, name)


def _install_stdout_proxy() -> None:
    # Re-checked on every call: test runners (and Typer's CliRunner) swap sys.stdout themselves.
    if not isinstance(sys.stdout, _PluginStdout):
        sys.stdout = _PluginStdout(sys.stdout)


def as_guest(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn` marked as plugin code for the thread that runs it (its prints go to stderr)."""

    def guest(*args: Any) -> Any:
        _IN_PLUGIN.depth = getattr(_IN_PLUGIN, "depth", 0) + 1
        try:
            return fn(*args)
        finally:
            _IN_PLUGIN.depth -= 1

    return guest


def describe(exc: BaseException) -> str:
    """One line for a plugin's fault: the exception's type and message."""
    if isinstance(exc, SystemExit):
        return f"SystemExit({exc.code!r}): the plugin called sys.exit()"
    if isinstance(exc, KeyboardInterrupt):
        return "KeyboardInterrupt raised by the plugin"
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def guest_call(plugin: str, stage: str, hook: str, fn: Callable[..., Any], args: tuple[Any, ...],
               timeout: float | None, passes: tuple[type[BaseException], ...] = (ProfileError,)) -> Any:
    """`fn(*args)` as the plugin's guest: bounded by `timeout`, every fault a PluginError.

    Exceptions in `passes` (a plugin's ProfileError: the input is at fault, not the plugin) go
    through unchanged.
    """
    _install_stdout_proxy()
    try:
        return run_on_worker(plugin, as_guest(fn), args, timeout)
    except HookTimedOut as exc:
        raise PluginError(plugin, stage, f"{hook} {exc}") from None
    except Stuck as exc:
        raise PluginError(plugin, stage, f"{hook} refused: {exc}") from None
    except PluginRaised as raised:  # SystemExit and KeyboardInterrupt raised by the plugin too
        if isinstance(raised.error, passes):
            raise raised.error from None
        raise PluginError(plugin, stage, f"{hook}: {describe(raised.error)}") from raised.error
    # A KeyboardInterrupt from the user (Ctrl-C while waiting) is not the plugin's: it goes through.


# --- retake_assess: on the caller's thread (a worker hand-off per verdict costs too much) ------------

_USER_INTERRUPT = {"at": -1.0}


def _note_user_interrupt(signum: int, frame: Any) -> None:
    _USER_INTERRUPT["at"] = time.monotonic()
    signal.default_int_handler(signum, frame)


def _watch_for_user_interrupts() -> None:
    """Tell a real Ctrl-C (SIGINT) from a plugin's own `raise KeyboardInterrupt`: only the first
    may stop the command."""
    if threading.current_thread() is threading.main_thread() and \
            signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _note_user_interrupt)


def guest_call_here(plugin: str, stage: str, hook: str, fn: Callable[..., Any], args: tuple[Any, ...],
                    timeout: float | None, passes: tuple[type[BaseException], ...] = (ProfileError,)) -> Any:
    """`fn(*args)` as the plugin's guest on this thread (per-verdict hooks): as `guest_call`, with
    the time limit enforced by the watchdog (`core.timeouts.call_with_deadline`). On the main
    thread (the CLI, batches) that bounds a call blocked in a system call too; on other threads
    (the dashboard's) a call blocked in C is bounded only once it returns to Python code."""
    _install_stdout_proxy()
    _watch_for_user_interrupts()
    _IN_PLUGIN.depth = getattr(_IN_PLUGIN, "depth", 0) + 1
    try:
        return call_with_deadline(fn, args, timeout)
    except passes:
        raise
    except HookTimedOut as exc:
        raise PluginError(plugin, stage, f"{hook} {exc}") from None
    except KeyboardInterrupt as exc:
        if time.monotonic() - _USER_INTERRUPT["at"] < 5.0:
            raise  # the user pressed Ctrl-C
        raise PluginError(plugin, stage, f"{hook}: {describe(exc)}") from exc
    except Stopped:
        raise  # SIGTERM/SIGHUP landed while the plugin ran: the command stops, the plugin is not at fault
    except BaseException as exc:  # noqa: BLE001 - SystemExit from the plugin too
        raise PluginError(plugin, stage, f"{hook}: {describe(exc)}") from exc
    finally:
        _IN_PLUGIN.depth -= 1
