"""The `retake` command line: a thin Typer front end over core's verdict pipeline.

Exit codes: 0 done · 1 internal fault (a plugin or the rules engine failed: the message names it) ·
2 bad input or usage (the message names the field and the allowed values) · 3 `retake batch` wrote
every row but some rows were errors. With `--json`, stdout carries only JSON; everything meant for
people goes to stderr.

Start-up is kept light: core, rich and yaml are imported inside the commands that need them, and
help is rendered by Click's plain formatter (Typer's rich help pulls in markdown-it and friends).

Layout: this module holds the app, its root options and the small commands (dashboard, new-plugin)
and registers the others, which live in cli_decide, cli_batch and cli_listings; the plumbing they
share (exit codes, _fail/_say, errors as JSON) is in cli_common.
"""

from __future__ import annotations

import errno
import os
import sys
import threading
import time
from pathlib import Path
from typing import Optional

import typer

from frontends.cli_batch import batch
from frontends.cli_common import (  # noqa: F401 - the exit codes stay importable from here
    EXIT_INTERNAL, EXIT_OK, EXIT_ROW_ERRORS, EXIT_USAGE, _fail, _json_errors, _say,
)
from frontends.cli_cases import cases_app
from frontends.cli_decide import decide
from frontends.cli_listings import exams, plugins, rules, specialties
from frontends.cli_timeline import timeline
from frontends.cli_report import report

app = typer.Typer(
    help="Should you retake a licensing exam? A sourced, dated verdict from the exam authority's rules.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version_callback(value: bool) -> None:
    if value:
        try:
            from importlib.metadata import version

            found = version("retake-verdict")
        except Exception:  # noqa: BLE001 - running from a source tree without metadata
            from core import __version__ as found
        typer.echo(f"retake {found}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version_callback, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Should you retake a licensing exam? A sourced, dated verdict from the exam authority's rules.

    Exit codes: 0 done, 1 internal fault, 2 bad input or usage, 3 batch rows with errors.
    """


# --- commands from their own modules, registered in the order `--help` lists them --------------

app.command()(decide)
app.command()(batch)
app.command()(report)
app.command()(exams)
app.command()(specialties)
app.command()(rules)
app.command()(plugins)
app.add_typer(cases_app, name="cases")
app.command()(timeline)


# --- dashboard and plugin scaffold --------------------------------------------------------------

UPLOAD_LIMIT_MB = 10


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def dashboard(
    ctx: typer.Context,
    port: int = typer.Option(8501, "--port", help="Port to serve on."),
    headless: bool = typer.Option(False, "--headless", help="Do not open a browser (servers, containers)."),
    example: Optional[str] = typer.Option(None, "--example", metavar="NAME", help="Open on this example (see `retake exams`)."),
) -> None:
    """Start the Streamlit dashboard. Extra arguments go to `streamlit run` (e.g. --server.address 0.0.0.0)."""
    import importlib.util

    _json_errors(False)
    spec = importlib.util.find_spec("frontends.dashboard")
    if spec is None or not spec.origin:
        _fail("the dashboard (frontends/dashboard.py) is not installed", EXIT_INTERNAL)
    if importlib.util.find_spec("streamlit") is None:
        _fail("streamlit is not installed: pip install streamlit", EXIT_INTERNAL)
    if not 1 <= port <= 65535:
        _fail(f"--port: {port} is not a port", allowed="1-65535")
    env = dict(os.environ)
    script_args: list[str] = []
    if example is not None:
        from frontends.cli_decide import _example_data

        _example_data(example)  # fails listing the examples when there is none by that name
        env["RETAKE_EXAMPLE"] = example
        script_args = ["--", "--example", example]
    # Nothing the user enters leaves the machine: Streamlit's usage statistics are off. Uploads are
    # capped well above a 10,000-row batch file; a profile upload is capped again by core.loading.
    # Streamlit always runs headless: otherwise its first start on a new machine stops to ask for an
    # e-mail address on stdin (and fails without one). We open the browser ourselves once it answers.
    # It listens on localhost only (pass --server.address to change that), which also keeps Streamlit
    # from asking an outside service for this machine's public address.
    command = [sys.executable, "-m", "streamlit", "run", "--server.port", str(port),
               "--server.headless", "true", "--server.address", "localhost",
               "--browser.gatherUsageStats", "false", "--server.maxUploadSize", str(UPLOAD_LIMIT_MB),
               "--client.toolbarMode", "minimal", *ctx.args, spec.origin, *script_args]
    busy = _port_in_use(port)
    if busy:
        _fail(f"--port: port {port} is already in use on localhost ({busy}); stop what holds it or choose "
              f"another with --port", allowed="a free port, e.g. --port 8502")
    url = f"http://localhost:{port}"
    _say(f"starting the dashboard on {url} (Ctrl-C stops it)")
    stopped = threading.Event()
    if not headless:
        threading.Thread(target=_open_when_ready, args=(url, stopped), daemon=True).start()
    try:
        code = _run_forwarding_signals(command, env)
    except OSError as exc:
        _fail(f"cannot start streamlit: {exc}", EXIT_INTERNAL)
    finally:
        stopped.set()
    raise typer.Exit(code)


def _port_in_use(port: int) -> str:
    """Why `port` cannot be served on localhost ('' when it is free)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            return exc.strerror or str(exc)
    return ""


def _run_forwarding_signals(command: list[str], env: dict[str, str]) -> int:
    """Run Streamlit as a child; SIGTERM and SIGINT sent to us go on to it, and we wait until it has stopped,
    so stopping `retake dashboard` never leaves a server holding the port. Returns the exit code (0 when
    it stopped because we were asked to stop)."""
    import signal
    import subprocess

    child = subprocess.Popen(command, env=env)
    asked: list[int] = []

    def forward(signum: int, _frame: object) -> None:
        asked.append(signum)
        if child.poll() is None:
            child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while True:
            try:
                code = child.wait(timeout=None if not asked else 20)
                break
            except subprocess.TimeoutExpired:
                child.kill()  # asked to stop and still running after 20 s
            except KeyboardInterrupt:  # a Ctrl-C that arrived before the handler was installed
                forward(signal.SIGINT, None)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0 if asked else code


def _open_when_ready(url: str, stopped: threading.Event, wait_seconds: float = 60.0) -> None:
    """Open the user's browser on `url` once the local server answers its health check."""
    import urllib.request
    import webbrowser

    deadline = time.monotonic() + wait_seconds
    while not stopped.is_set() and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    webbrowser.open(url)
                    return
        except OSError:
            pass
        stopped.wait(0.5)


@app.command("new-plugin")
def new_plugin(
    name: str = typer.Argument(..., help="The plugin's name: lower-case letters, digits and dashes."),
    country: str = typer.Option(..., "--country", help="ISO 3166 alpha-2 code of the exam's country, e.g. IN."),
    dest: Path = typer.Option(Path("."), "--dest", help="Folder to create the plugin project in."),
) -> None:
    """Create a new country plugin project from the template (exams, dated policy, rules, tests)."""
    _json_errors(False)
    try:
        from core.scaffold import write_plugin
    except ImportError:
        _fail("the plugin scaffold is not available in this installation", EXIT_INTERNAL)
    try:
        created = write_plugin(name, country, dest)
    except ValueError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"--dest: cannot write to {dest}: {exc.strerror or exc}", allowed="a writable folder")
    _say(f"created {created}")
    _say(f"next: pip install -e {created}  then  retake plugins")
    typer.echo(str(created))


# An output that could not be written: stdout closed early (`| head`), the disk behind a redirect
# full, a closed descriptor. The invocation's problem (exit 2), not an internal fault.
_STREAM_ERRNOS = (errno.EPIPE, errno.ENOSPC, errno.EBADF, errno.EIO, errno.EFBIG)


def main() -> None:
    """Console-script entry point: the app, with a last guard so no traceback reaches the user."""
    import gc

    if sys.stdout is None or sys.stdin is None:  # started with a standard stream closed (`retake exams >&-`)
        _stream_error("a standard stream (stdin or stdout) is closed; run retake with all three open")
    try:
        app()
    except KeyboardInterrupt:
        _say("interrupted")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last resort: one line, not a traceback
        if isinstance(exc, OSError) and exc.errno in _STREAM_ERRNOS:
            _stream_error(f"cannot write the output: {exc.strerror or exc}")
        if os.environ.get("RETAKE_DEBUG"):
            raise
        _say(f"error: internal fault: {type(exc).__name__}: {exc} (set RETAKE_DEBUG=1 for the traceback)")
        sys.exit(EXIT_INTERNAL)
    finally:
        _flush_stdout()
        # The process is about to end: spare the interpreter a last full collection of everything
        # the imports built (pydantic schemas, rules). Measured: about 20 ms of a 170 ms `decide`.
        gc.freeze()


def _flush_stdout() -> None:
    """Flush the output while a failure can still be said plainly. Left to the interpreter's own
    flush at exit, a full disk behind a redirect (`> /dev/full`) became 'Exception ignored' and
    exit 120 on Python 3.14 (earlier versions failed inside the command, where `main` catches it)."""
    stream = sys.stdout
    if stream is None:
        return
    try:
        stream.flush()
    except OSError as exc:
        if exc.errno in _STREAM_ERRNOS:
            _stream_error(f"cannot write the output: {exc.strerror or exc}")
    except ValueError:  # already closed: nothing left to write
        pass


def _stream_error(message: str) -> None:
    """A usage error (exit 2) about the standard streams, said on stderr when it can be."""
    try:
        sys.stdout = None  # nothing more goes to a stream that failed (or the interpreter's flush at exit)
        if sys.stderr is not None:
            sys.stderr.write(f"error: {message}\n")
            sys.stderr.flush()
    except OSError:
        pass
    os._exit(EXIT_USAGE)  # exit now: a normal exit would flush the broken stream again and fail


if __name__ == "__main__":
    main()
