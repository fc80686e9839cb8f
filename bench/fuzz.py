"""The long fuzz runs of issue 16, with figures (`make fuzz`): mutated profiles and mutated batch files.

- 20,000 mutated profiles (16,000 near the contract, 4,000 junk) from the hypothesis strategies in
  tests/hardening/test_fuzz.py, each through `Pipeline.evaluate`: a Verdict that validates against
  the contract, or a ProfileError naming fields; anything else is an internal fault.
- 3,000 mutated batch files (half CSV, half JSON Lines) from tests/hardening/batch_mutations.py,
  each through the `retake batch` path: no input row without an output row, no output row
  without an input line, no internal fault.

The test suite runs the same generators with smaller counts; this prints the figures quoted in
the issue notes. Usage: python bench/fuzz.py [--profiles N] [--files N]. Exit 1 on any fault.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "hardening")]


def fuzz_profiles(count: int) -> dict[str, int]:
    from hypothesis import HealthCheck, given, settings
    from test_fuzz import NO_SHRINK, check, junk_profiles, near_profiles

    seen = {"verdict": 0, "error": 0, "fault": 0}

    def record(profile: Any) -> None:
        try:
            verdict = check(profile)
        except Exception as exc:  # noqa: BLE001 - counted and shown: this is what the run looks for
            seen["fault"] += 1
            print(f"  internal fault: {type(exc).__name__}: {exc}\n  profile: {profile!r}"[:2000], file=sys.stderr)
            return
        seen["error" if verdict is None else "verdict"] += 1

    options = dict(deadline=None, derandomize=True, database=None, phases=NO_SHRINK,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    near = count * 4 // 5
    for strategy, examples in ((near_profiles(), near), (junk_profiles(), count - near)):
        given(strategy)(settings(max_examples=examples, **options)(lambda profile: record(profile)))()
    return seen


def fuzz_batch_files(count: int) -> dict[str, int]:
    from batch_mutations import check_file, mutated_file
    from days import AS_OF

    from core.pipeline import default_pipeline

    pipeline = default_pipeline()
    seen = {"files": 0, "refused": 0, "rows_in": 0, "rows_out": 0, "judged": 0, "row_errors": 0,
            "lost": 0, "invented": 0, "fault": 0}
    for seed in range(count):
        fmt = "csv" if seed % 2 == 0 else "jsonl"
        seen["files"] += 1
        try:
            result = check_file(mutated_file(seed, fmt), fmt, AS_OF, pipeline)
        except Exception as exc:  # noqa: BLE001 - counted and shown
            seen["fault"] += 1
            print(f"  internal fault on seed {seed} ({fmt}): {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        seen["refused"] += result.refused
        seen["rows_in"] += result.rows_in
        seen["rows_out"] += result.rows_out
        seen["judged"] += result.stats.judged
        seen["row_errors"] += result.stats.input_errors
        seen["fault"] += result.stats.internal_errors
        seen["lost"] += len(result.lost)
        seen["invented"] += len(result.invented)
        if result.lost or result.invented:
            print(f"  seed {seed} ({fmt}): lost {result.lost}, invented {result.invented}", file=sys.stderr)
    return seen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profiles", type=int, default=20_000)
    parser.add_argument("--files", type=int, default=3_000)
    args = parser.parse_args()

    started = time.perf_counter()
    profiles = fuzz_profiles(args.profiles)
    middle = time.perf_counter()
    files = fuzz_batch_files(args.files)
    ended = time.perf_counter()
    total = sum(profiles.values())
    print(f"profiles: {total:,} mutated, {profiles['verdict']:,} verdicts, {profiles['error']:,} profile errors, "
          f"{profiles['fault']} internal faults ({middle - started:.0f} s)")
    print(f"batch files: {files['files']:,} mutated ({files['refused']} refused whole, naming IN), "
          f"{files['rows_in']:,} rows that must give output, {files['rows_out']:,} output rows "
          f"({files['judged']:,} judged, {files['row_errors']:,} row errors), {files['lost']} lost, "
          f"{files['invented']} invented, {files['fault']} internal faults ({ended - middle:.0f} s)")
    faults = profiles["fault"] + files["fault"] + files["lost"] + files["invented"]
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
