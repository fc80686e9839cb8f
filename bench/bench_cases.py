"""Benchmark of the case book: save 10,000 varied cases, then recheck them all (`make bench`).

Prints rows/s for the import (judge + save, 200 rows per transaction) and for the recheck (read,
re-judge, diff, file the verdicts that changed), and peak RSS of a fresh process doing only the
recheck. The recheck runs one year later than the import, so a realistic share of verdicts change
(passes lapse, windows close) and are written. Usage: python bench/bench_cases.py [--cases N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

SAVED_ON = date(2026, 11, 25)
RECHECK_ON = date(2027, 11, 25)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def save(db: Path, count: int) -> dict[str, float]:
    from profiles import cycle, profile_pool

    from core.cases import open_store
    from core.cases.importing import import_rows
    from core.pipeline import default_pipeline

    pipeline = default_pipeline()
    pool = profile_pool(pipeline, SAVED_ON, size=2_000)
    lines = [json.dumps(dict(profile, name=f"case-{n:05d}")) for n, profile in enumerate(cycle(pool, count))]
    started = time.perf_counter()
    with open_store(db) as store:
        report = import_rows(store, "\n".join(lines), "jsonl", SAVED_ON, pipeline=pipeline)
        elapsed = time.perf_counter() - started
        saved = store.counts()[0]
    assert report.count("error") == 0 and saved == count, (report.count("error"), saved)
    return {"rows": count, "seconds": elapsed, "rows_per_s": count / elapsed}


def recheck_only(db: Path) -> dict[str, float]:
    from core.cases import open_store, recheck
    from core.pipeline import default_pipeline

    pipeline = default_pipeline()
    before = _peak_mb()
    with open_store(db) as store:
        started = time.perf_counter()
        report = recheck(store, RECHECK_ON, pipeline)
        elapsed = time.perf_counter() - started
    return {"rows": report.checked, "changed": len(report.changed), "filed": report.filed, "seconds": elapsed,
            "rows_per_s": report.checked / elapsed, "peak_rss_mb": _peak_mb(), "rss_before_mb": before}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--recheck-only", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.recheck_only:
        print(json.dumps(recheck_only(Path(args.recheck_only))))
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-cases-") as folder:
        db = Path(folder) / "cases.db"
        saved = save(db, args.cases)
        size_mb = sum(p.stat().st_size for p in Path(folder).glob("cases.db*")) / 2**20
        out = subprocess.run([sys.executable, __file__, "--recheck-only", str(db)], check=True,
                             capture_output=True, text=True, env=dict(os.environ)).stdout
        checked = json.loads(out.strip().splitlines()[-1])
    print(f"case book, {args.cases:,} cases (load: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"  import (judge + save):  {saved['rows_per_s']:8,.0f} rows/s  ({saved['seconds']:.1f} s; file {size_mb:.0f} MB)")
    print(f"  recheck one year later: {checked['rows_per_s']:8,.0f} rows/s  ({checked['seconds']:.1f} s; "
          f"{checked['changed']:,} changed, {checked['filed']:,} verdicts filed)")
    print(f"  recheck peak RSS:       {checked['peak_rss_mb']:8,.0f} MB  (fresh process; "
          f"{checked['rss_before_mb']:.0f} MB after loading plugins, before the recheck)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
