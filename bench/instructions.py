"""The three-exam candidate against one verdict, in instructions executed (issue 11's 3x goal).

    .venv/bin/python bench/instructions.py [--calls 100] [--only one,cand]

Wall-clock figures on this shared 2-core machine move by 10-30% with the other sessions' load, which
is more than the margin the 3x goal leaves. Instructions counted by valgrind (`cachegrind
--cache-sim=no`, "I refs") do not depend on the load: the same code gives the same count to a few
parts in a thousand. Each part runs in its own process twice (50 and 50 + N calls), and the
difference divided by N is the cost of one call, start-up and warm-up excluded. Instructions are
not time (the C engine and Python code retire them at different rates), so the wall-clock figures
of `make bench` stay the record; this says where the candidate's cost goes.

Needs valgrind (`apt-get install valgrind`); takes about a minute per part.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# One child process: build the pipeline, then call one part `n` times.
CHILD = r'''
import sys
sys.path.insert(0, sys.argv[3])
from bench import THREE_EXAMS, ONE_EXAM, AS_OF
from core.candidate import parse_candidate
from core.candidate_verdict import evaluate_candidate
from core.pipeline import default_pipeline
from core.timeline import build_timeline

pipeline = default_pipeline()
part, n = sys.argv[1], int(sys.argv[2])
result = evaluate_candidate(THREE_EXAMS, AS_OF, pipeline)
parts = {
    "one": lambda: pipeline.evaluate(ONE_EXAM, AS_OF),
    "cand": lambda: evaluate_candidate(THREE_EXAMS, AS_OF, pipeline),
    "parse": lambda: parse_candidate(THREE_EXAMS),
    "timeline": lambda: build_timeline(((result.assessments[e], result.candidate.profile(e))
                                        for e in result.assessments), AS_OF),
}


def in_candidate(exam_id):
    # A fresh candidate each call, so work kept on it (Candidate.kept) is paid; its parse is
    # subtracted by the parent.
    candidate = parse_candidate(THREE_EXAMS)
    return pipeline.evaluate_with_assessment(candidate.profile(exam_id), AS_OF, candidate=candidate)


for exam_id in result.candidate.sat_exams:
    view = result.candidate.profile(exam_id)
    parts[exam_id + " in the candidate"] = (lambda e=exam_id: in_candidate(e))
    parts[exam_id + " alone"] = (lambda v=view: pipeline.evaluate_with_assessment(v, AS_OF))
# Set-up objects out of the collector's way: a full collection landing in one of the two runs and not
# the other would show as a difference of millions of instructions.
import gc
gc.collect()
gc.freeze()
for _ in range(n):
    parts[part]()
'''

PARTS = ["one", "cand", "parse", "timeline"]
EXAMS = ["ielts-academic", "plab1", "plab2"]


def instructions(part: str, calls: int) -> int:
    """Instructions executed by a child that calls `part` `calls` times."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONHASHSEED"] = "0"  # the same dict layouts in both runs
    done = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         sys.executable, "-c", CHILD, part, str(calls), str(ROOT / "bench")],
        capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{part}: the child failed ({done.returncode}): {done.stderr[-600:]}")
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise SystemExit(f"{part}: no instruction count in valgrind's output")
    return int(found.group(1).replace(",", ""))


def per_call(part: str, calls: int) -> int:
    return (instructions(part, 50 + calls) - instructions(part, 50)) // calls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100, help="calls measured per part (default 100)")
    parser.add_argument("--only", default="", help="comma-separated parts (default: all)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: apt-get install valgrind")
    names = PARTS + [f"{e} {where}" for e in EXAMS for where in ("alone", "in the candidate")]
    wanted = [n for n in names if not args.only or n.split(" ")[0] in args.only.split(",")]
    figures: dict[str, int] = {}
    if any(name.endswith("in the candidate") for name in wanted) and "parse" not in wanted:
        wanted.insert(0, "parse")
    for name in wanted:
        figures[name] = per_call(name, args.calls)
        if name.endswith("in the candidate"):
            figures[name] -= figures["parse"]  # the child parsed the candidate for each call
        print(f"{name:32} {figures[name] / 1e6:8.2f} M instructions per call", flush=True)
    if {"one", "cand"} <= set(figures):
        print(f"{'candidate / one verdict':32} {figures['cand'] / figures['one']:8.2f}x  (goal <= 3x)")
    alone = [figures.get(f"{e} alone") for e in EXAMS]
    if "one" in figures and all(alone):
        print(f"{'the three exams alone / one':32} {sum(alone) / figures['one']:8.2f}x  "
              "(each exam judged on its own, no rules across exams, no timeline)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
