"""Cold-start benchmark for the `retake` command line (a benchmark, not a test).

Times, in one run and interleaved so machine noise hits every command alike:
  - the baseline: `python -c "import typer, pluggy, durable.lang, pydantic"`
  - `retake --help`
  - `retake decide <built-in example> --as-of 2026-11-25` (human view, rich)
  - `retake decide <built-in example> --as-of 2026-11-25 --json`
Each is a fresh process; the figure is the median wall time of N repetitions after one warm-up.
Goal: every command at most 1.5x the baseline.

    .venv/bin/python bench/cold_start.py [--repeat 21] [--explain]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

GOAL = 1.5
AS_OF = "2026-11-25"


def _retake() -> list[str]:
    script = Path(sys.executable).with_name("retake")
    if script.exists():
        return [str(script)]
    found = shutil.which("retake")
    return [found] if found else [sys.executable, "-c", "from frontends.cli import main; main()"]


def _example() -> str:
    from importlib import resources

    return str(resources.files("plugins.usmle").joinpath("examples/usmle-step2ck-low-pass.yaml"))


def commands() -> dict[str, list[str]]:
    retake = _retake()
    example = _example()
    return {
        "bare imports": [sys.executable, "-c", "import typer, pluggy, durable.lang, pydantic"],
        # `import pydantic` is lazy: its validation machinery loads on first use. Typer 0.26+ builds a
        # pydantic TypeAdapter per parameter of the invoked command, and core validates profiles with
        # pydantic, so every real command pays this; shown for reference, not used as the baseline.
        "bare + pydantic in use": [sys.executable, "-c",
                                   "import typer, pluggy, durable.lang, pydantic; pydantic.TypeAdapter(int)"],
        "retake --help": [*retake, "--help"],
        "retake decide": [*retake, "decide", example, "--as-of", AS_OF],
        "retake decide --json": [*retake, "decide", example, "--as-of", AS_OF, "--json"],
    }


def _env() -> dict[str, str]:
    """The environment each command runs in: as a user's shell has it. PYTHONDONTWRITEBYTECODE (set
    on some CI machines) would make every start compile every module again, so it is left out."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["COLUMNS"] = "100"
    return env


def _once(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env())
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21, help="repetitions per command (default 21)")
    parser.add_argument("--explain", action="store_true", help="also print a phase-by-phase breakdown")
    args = parser.parse_args()

    todo = commands()
    for command in todo.values():  # warm-up: .pyc files, page cache
        _once(command)
    times: dict[str, list[float]] = {name: [] for name in todo}
    for _ in range(args.repeat):
        for name, command in todo.items():
            times[name].append(_once(command))

    base = statistics.median(times["bare imports"])
    print(f"cold start, median of {args.repeat} fresh processes (Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs)")
    print(f"{'command':<26}{'median':>10}{'min':>10}{'ratio':>8}  goal <= {GOAL}x")
    worst = 0.0
    for name, samples in times.items():
        median = statistics.median(samples)
        ratio = median / base
        reference = name.startswith("bare")
        if not reference:
            worst = max(worst, ratio)
        verdict = "" if reference else ("ok" if ratio <= GOAL else "MISSED")
        print(f"{name:<26}{median * 1000:>8.1f}ms{min(samples) * 1000:>8.1f}ms{ratio:>7.2f}x  {verdict}")
    if args.explain:
        explain()
    return 0 if worst <= GOAL else 1


PHASES = """
import time, datetime
marks = [("start", time.perf_counter())]
def mark(name): marks.append((name, time.perf_counter()))
import typer, pluggy, durable.lang, pydantic; mark("bare imports (the baseline)")
import frontends.cli; mark("frontends.cli module")
from pydantic import TypeAdapter, BeforeValidator
from typing import Annotated
TypeAdapter(int); mark("pydantic machinery, first use (Typer's parameter adapters)")
for _ in range(17): TypeAdapter(Annotated[str, BeforeValidator(str)])
mark("17 more parameter adapters (one per `decide` option)")
import core; mark("core package (pydantic models, engine adapter, framework rules)")
from core.loading import read_profile_file
from importlib import resources
data = read_profile_file(str(resources.files("plugins.usmle").joinpath("examples/usmle-step2ck-low-pass.yaml")))
mark("yaml + reading the profile")
from core.pipeline import default_pipeline
pipeline = default_pipeline(); mark("plugins via entry points + rule base compiled")
verdict = pipeline.evaluate(data, datetime.date(2026, 11, 25)); mark("first evaluation")
import rich.console, rich.table, rich.panel, rich.text; mark("rich (human view only)")
for (_, before), (name, at) in zip(marks, marks[1:]):
    print(f"  {(at - before) * 1000:6.1f} ms  {name}")
"""


def explain() -> None:
    """Where a `decide` cold start goes, phase by phase, in one fresh process."""
    print("\nwhere `retake decide` spends its start-up (one fresh process):")
    subprocess.run([sys.executable, "-c", PHASES], check=True, env=_env())


if __name__ == "__main__":
    sys.exit(main())
