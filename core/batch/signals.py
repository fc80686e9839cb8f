"""Stop signals (SIGTERM, SIGHUP, SIGINT) held until a safe moment: the end of the row being judged,
or the end of the part file's creation.

Why: Python runs a signal handler at the next bytecode of the main thread, wherever it is, and the
batch's handlers raise (`Stopped` for SIGTERM/SIGHUP, `KeyboardInterrupt` for SIGINT). Raised in
the middle of a verdict, the exception can land inside a durable_rules session, between two of its
C calls; the session's `finally` then frees a half-made session (`delete_state`) and glibc aborts
the process ("double free or corruption"), before the output's part file is removed. It happens in
the first session of each rule set (the batch's first rows, right after the part file appears),
and it was the `.part` left behind under load (7 of 200 runs signalled 0-50 ms after the part file
appeared, every one exit -6; 0 of 200 since: tests/hardening/test_faults.py, `signal_batches`).
So a stop waits for the row to end: rows take well under a millisecond, a hanging plugin at most
its time limit (RETAKE_PLUGIN_TIMEOUT), and a second signal in the same row goes through at once.
core.engine now also settles an interrupted session before deleting it; holding the stop keeps
the batch from relying on that (or on any plugin's state surviving an exception mid-call).

Only handlers that are Python callables are held (a default or ignored signal runs no Python code,
so it cannot raise mid-row), and only on the main thread (Python lets no other thread install
handlers, and runs every handler there). Blocking with `pthread_sigmask` does not do it: the mask
is per thread, another thread (the plugin watchdog) takes the signal and Python still runs the
handler on the main thread at its next bytecode.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Any, Iterator

STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, n))


class HeldStops:
    """Once installed, a stop signal arriving inside `with held:` waits until the block ends and is
    then delivered to the handler it had; one arriving outside the block goes to it at once.

    With `second_stops_now`, a second signal inside the block is not held: a user pressing Ctrl-C
    twice means now (a plugin hanging without a time limit), whatever the row's state.
    """

    def __init__(self, second_stops_now: bool = True):
        self.second_stops_now = second_stops_now
        self.holding = False
        self.pending: list[int] = []
        self.previous: dict[int, Any] = {}
        self._handler = self._on_signal  # one bound method, so release() can recognise it

    def install(self) -> "HeldStops":
        if threading.current_thread() is not threading.main_thread():
            return self
        for number in STOP_SIGNALS:
            if callable(signal.getsignal(number)):
                self.previous[number] = signal.signal(number, self._handler)
        return self

    def release(self) -> None:
        """Give each signal back the handler it had, unless another has been installed since."""
        if threading.current_thread() is not threading.main_thread():
            return  # a generator finalised elsewhere: our handler stays, and passes every signal on
        for number, handler in self.previous.items():
            if signal.getsignal(number) is self._handler:
                signal.signal(number, handler)
        self.previous.clear()

    def _on_signal(self, signum: int, frame: Any) -> None:
        if self.holding and not (self.pending and self.second_stops_now):
            self.pending.append(signum)
            return
        handler = self.previous.get(signum)
        if callable(handler):
            handler(signum, frame)

    def __enter__(self) -> "HeldStops":
        self.holding = True
        return self

    def __exit__(self, *exc: Any) -> None:
        self.holding = False
        while self.pending:
            signal.raise_signal(self.pending.pop(0))  # now the real handler runs (it may raise)


@contextmanager
def stops_held(second_stops_now: bool = True) -> Iterator[HeldStops]:
    """`HeldStops` installed for the length of the block: `with stops_held() as rows: ... with rows: judge`."""
    held = HeldStops(second_stops_now).install()
    try:
        yield held
    finally:
        held.release()
