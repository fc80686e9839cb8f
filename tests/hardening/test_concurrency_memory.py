"""Concurrency and memory: 8 threads x 1,000 verdicts equal the serial results; RSS after 100,000
verdicts stays within 20 MB of RSS after 10,000 (durable_rules sessions are deleted)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from core.pipeline import default_pipeline

from days import AS_OF  # the one fixed day (tests/days.py)


def test_eight_threads_get_the_serial_verdicts(cohort: list[dict[str, Any]]):
    pipeline = default_pipeline()
    profiles = cohort
    assert len(profiles) >= 30
    per_thread = 1_000
    jobs = [[profiles[(t * 7 + i) % len(profiles)] for i in range(per_thread)] for t in range(8)]
    serial = {json.dumps(p, sort_keys=True, default=str): pipeline.evaluate(p, AS_OF).model_dump_json()
              for p in profiles}

    def judge(job: list[dict[str, Any]]) -> list[str]:
        return [pipeline.evaluate(p, AS_OF).model_dump_json() for p in job]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(judge, jobs))
    for job, got in zip(jobs, results):
        assert got == [serial[json.dumps(p, sort_keys=True, default=str)] for p in job]


MEMORY_SCRIPT = textwrap.dedent("""
    import json, sys
    from datetime import date
    sys.path.insert(0, str(__import__("pathlib").Path(sys.argv[1]).parent))  # tests/days.py
    sys.path.insert(0, sys.argv[1])
    from conftest import AS_OF, make_cohort
    from core.pipeline import default_pipeline

    def rss_mb():
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024

    pipeline = default_pipeline()
    profiles = make_cohort()
    marks = {}
    for index in range(100_000):
        pipeline.evaluate(profiles[index % len(profiles)], AS_OF)
        if index + 1 in (10_000, 100_000):
            marks[index + 1] = rss_mb()
    print(json.dumps(marks))
""")


@pytest.mark.slow
def test_memory_is_flat_from_10k_to_100k_verdicts(tmp_path):
    # A fresh process, so the figure is the pipeline's alone (not pytest's or other tests').
    here = str(__import__("pathlib").Path(__file__).resolve().parent)
    done = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, here], capture_output=True, text=True,
                          timeout=3600, check=False)  # a memory test: generous under load
    assert done.returncode == 0, done.stderr[-2000:]
    marks = json.loads(done.stdout.strip().splitlines()[-1])
    growth = marks["100000"] - marks["10000"]
    assert growth <= 20, f"RSS grew {growth:.1f} MB from 10,000 to 100,000 verdicts ({marks})"
