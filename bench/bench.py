"""Retake Verdict benchmark (a benchmark, not a test): one run, one table.

    make bench                      # or: .venv/bin/python bench/bench.py [--quick]

Measures, side by side:
- single-verdict latency (p50, p99) through `core.evaluate`, over generated profiles for every exam;
- batch throughput and peak RSS for 10,000 and 100,000 profiles through `core.batch.judge_rows`
  (the `retake batch` path minus file I/O), each size in a fresh process; RSS after 10,000 and
  after 100,000 verdicts in the same process (is memory flat?);
- the same flowchart as a plain-Python function (the floor) and as a GoRules zen-engine decision
  table (the peer: JDM JSON built below, one bare table evaluation per case), over the very inputs
  the full verdicts were built from; ratios against both;
- CLI cold start against bare imports (`bench/cold_start.py`'s commands, fewer repetitions).

Goals (issue 7): p50 <= 1 ms; full verdicts/s >= zen-engine tables/s; RSS growth <= 20 MB from
10k to 100k; cold start <= 1.5x bare imports.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Run as a script: this folder is on sys.path, so its modules import as siblings.
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from profiles import cycle, profile_pool  # noqa: E402

AS_OF = date(2026, 11, 25)
POOL = 2_000


def rss_mb(field: str = "VmRSS") -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


# --- the flowchart, three ways ------------------------------------------------------------------

def flowchart_inputs(pipeline: Any, profile: dict[str, Any]) -> dict[str, Any]:
    """The values the seed's flowchart looks at, taken from the facts core builds for the case."""
    from core.facts import build_facts
    from core.profile import parse_profile

    parsed = parse_profile(profile)
    registry = pipeline.registry
    exam = registry.exam(parsed.exam)
    assessment = registry.assess(exam, parsed, AS_OF)
    facts = {f["t"]: f for f in build_facts(parsed, assessment,
                                            registry.specialty(parsed.target.specialty, parsed.target.country), AS_OF)}
    case, eligibility, target, plan = facts["case"], facts["eligibility"], facts["target"], facts["plan"]
    return {
        "passed": eligibility["passed"], "can_retake": eligibility["can_retake"],
        "has_score": case["has_score"], "has_band": "band" in facts,
        "fits": facts["band"]["fits_up_to"] if "band" in facts else 0, "demand": target["demand"],
        "has_prediction": plan["has_prediction"], "evidence": plan["evidence"], "gain": plan["gain"],
        "big_gain": plan["big_gain"], "has_predicted_band": "predicted_band" in facts,
        "predicted_fits": facts["predicted_band"]["fits_up_to"] if "predicted_band" in facts else 0,
        "stance": facts["programs"]["stance"], "all_reported": case["all_attempts_reported"],
        "retakes_common": case["retakes_common"], "has_timeline": plan["has_timeline"], "slack": plan["slack"],
    }


def flowchart_floor(i: dict[str, Any]) -> tuple[str | None, str]:
    """The floor: the flowchart as plain Python (outcome, decision)."""
    if not i["passed"]:
        return None, "retake_required" if i["can_retake"] else "not_allowed"
    if not (i["has_band"] and i["fits"] < i["demand"]):
        outcome = "build_rest_of_cv"
    elif not (i["has_prediction"] and i["evidence"] == "practice-exams" and i["gain"] >= i["big_gain"]
              and i["has_predicted_band"] and i["predicted_fits"] >= i["demand"]):
        outcome = "adjust_targets"
    elif not (i["stance"] == "yes" or (i["stance"] == "unknown" and (i["retakes_common"] or not i["all_reported"]))):
        outcome = "improve_other_areas"
    elif not (i["has_timeline"] and i["slack"] >= 0):
        outcome = "apply_with_current_score"
    else:
        outcome = "plan_focused_retake"
    if not i["can_retake"]:
        return outcome, "not_allowed"
    return outcome, "retake" if outcome == "plan_focused_retake" else "do_not_retake"


def flowchart_jdm() -> dict[str, Any]:
    """The same flowchart as one GoRules decision table (hit policy: first)."""
    columns = {
        "passed": "passed", "allowed": "can_retake",
        "blocks": "has_band and fits < demand",
        "big": "has_prediction and evidence == 'practice-exams' and gain >= big_gain "
               "and has_predicted_band and predicted_fits >= demand",
        "accepted": "stance == 'yes' or (stance == 'unknown' and (retakes_common or not all_reported))",
        "early": "has_timeline and slack >= 0",
    }
    inputs = [{"id": key, "name": key, "type": "expression", "field": field} for key, field in columns.items()]
    outputs = [{"id": "o_outcome", "name": "outcome", "type": "expression", "field": "outcome"},
               {"id": "o_decision", "name": "decision", "type": "expression", "field": "decision"}]
    # passed, allowed, blocks, big, accepted, early -> outcome, decision
    rows = [
        ("false", "true", "", "", "", "", "null", '"retake_required"'),
        ("false", "false", "", "", "", "", "null", '"not_allowed"'),
    ]
    ends = [("false", "", "", "", '"build_rest_of_cv"'), ("true", "false", "", "", '"adjust_targets"'),
            ("true", "true", "false", "", '"improve_other_areas"'),
            ("true", "true", "true", "false", '"apply_with_current_score"'),
            ("true", "true", "true", "true", '"plan_focused_retake"')]
    for blocks, big, accepted, early, end in ends:
        rows.append(("true", "false", blocks, big, accepted, early, end, '"not_allowed"'))
        allowed = '"retake"' if end == '"plan_focused_retake"' else '"do_not_retake"'
        rows.append(("true", "true", blocks, big, accepted, early, end, allowed))
    rules = []
    for number, row in enumerate(rows):
        rule = {"_id": f"r{number}"}
        rule.update({key: cell for key, cell in zip(columns, row[:6])})
        rule.update({"o_outcome": row[6], "o_decision": row[7]})
        rules.append(rule)
    position = {"x": 0, "y": 0}
    return {
        "contentType": "application/vnd.gorules.decision",
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "Request", "position": position},
            {"id": "table", "type": "decisionTableNode", "name": "flowchart", "position": position,
             "content": {"hitPolicy": "first", "inputs": inputs, "outputs": outputs, "rules": rules}},
            {"id": "out", "type": "outputNode", "name": "Response", "position": position},
        ],
        "edges": [{"id": "e1", "sourceId": "in", "targetId": "table", "type": "edge"},
                  {"id": "e2", "sourceId": "table", "targetId": "out", "type": "edge"}],
    }


THREE_EXAMS = {  # one person: IELTS, a PLAB 1 pass, a failed PLAB 2 (rules across all three)
    "target": {"country": "GB", "specialty": "internal-medicine"},
    "application": {"clinical_experience_months": 6},
    "exams": {
        "ielts-academic": {"attempts": [{"date": "2025-11-02", "score": 7.5,
                                         "parts": {"listening": 8, "reading": 7.5, "writing": 7, "speaking": 7.5}}]},
        "plab1": {"attempts": [{"date": "2026-01-10", "score": 131, "pass_mark": 120}]},
        "plab2": {"attempts": [{"date": "2026-06-01", "result": "fail"}]},
    },
}
ONE_EXAM = {"exam": "plab1", "attempts": [{"date": "2026-01-10", "score": 131, "pass_mark": 120}],
            "target": {"country": "GB", "specialty": "internal-medicine"}, "application": {"clinical_experience_months": 6}}


def candidate_vs_one(pipeline: Any, count: int) -> dict[str, float]:
    """Mean µs of `evaluate_candidate` on THREE_EXAMS (raw input to verdicts + timeline) and of
    `pipeline.evaluate` on the same person's PLAB 1 alone (raw input to Verdict)."""
    from core.candidate_verdict import evaluate_candidate

    for _ in range(50):  # warm both paths (rule texts, caches)
        evaluate_candidate(THREE_EXAMS, AS_OF, pipeline)
        pipeline.evaluate(ONE_EXAM, AS_OF)
    started = time.perf_counter()
    for _ in range(count):
        pipeline.evaluate(ONE_EXAM, AS_OF)
    one = (time.perf_counter() - started) / count * 1e6
    started = time.perf_counter()
    for _ in range(count):
        evaluate_candidate(THREE_EXAMS, AS_OF, pipeline)
    three = (time.perf_counter() - started) / count * 1e6
    print(f"candidate: three-exam candidate {three:.0f} µs vs one-exam verdict {one:.0f} µs = {three / one:.2f}x "
          f"(goal <= 3x: {'met' if three <= 3 * one else 'MISSED'}; {count:,} runs each)", flush=True)
    return {"one_us": one, "three_us": three, "ratio": three / one}


def per_second(fn: Any, inputs: list[Any], count: int) -> tuple[float, list[Any]]:
    """Mean µs per call of fn over `count` inputs (round-robin), and the first pass's results."""
    results = [fn(x) for x in inputs]  # warm-up, and the answers for the agreement check
    started = time.perf_counter()
    for index in range(count):
        fn(inputs[index % len(inputs)])
    return (time.perf_counter() - started) / count * 1e6, results


# --- the batch, in a fresh process per size -----------------------------------------------------

def batch_worker(count: int) -> dict[str, Any]:
    from core.batch import judge_rows
    from core.pipeline import default_pipeline

    pipeline = default_pipeline()
    pool = profile_pool(pipeline, AS_OF, POOL)
    for record in judge_rows(enumerate(pool[:200], 1), AS_OF, pipeline):  # warm-up
        json.dumps(record)
    start_rss = rss_mb()
    marks: dict[int, float] = {}
    errors = 0
    started = time.perf_counter()
    for record in judge_rows(enumerate(cycle(pool, count), 1), AS_OF, pipeline):
        json.dumps(record)  # what `retake batch` writes for a row (JSON Lines)
        errors += record["error"] is not None
        if record["row"] in (10_000, count):
            marks[record["row"]] = rss_mb()
    elapsed = time.perf_counter() - started
    return {"count": count, "seconds": elapsed, "per_second": count / elapsed, "errors": errors,
            "rss_start": start_rss, "rss_10k": marks.get(10_000), "rss_end": marks.get(count),
            "peak": rss_mb("VmHWM")}


def run_batch(count: int) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--batch-worker", str(count)], capture_output=True,
                          text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- `retake batch` end to end: files in and out, the streaming reader/writer, --jobs ----------

def write_batch_file(path: Path, pool: list[dict[str, Any]], count: int) -> int:
    """`count` JSON Lines rows cycling the pool; returns the file's size in bytes."""
    lines = [json.dumps(profile, default=str) + "\n" for profile in pool]
    with open(path, "w", encoding="utf-8") as fh:
        for index in range(count):
            fh.write(lines[index % len(lines)])
    return path.stat().st_size


CLI_BATCH_SCRIPT = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"rc": done.returncode, "seconds": elapsed, "peak": peak, "stderr": done.stderr[-500:]}))
"""


def run_cli_batch(source: Path, count: int, jobs: int) -> dict[str, Any]:
    """`retake batch source -o out.jsonl --jobs N`: wall time, and the peak RSS of the largest of
    its processes (the parent reading and writing, or one worker judging)."""
    retake = Path(sys.executable).with_name("retake")
    target = source.with_name(f"out-{count}-{jobs}.jsonl")
    command = [str(retake), "batch", str(source), "-o", str(target), "--as-of", AS_OF.isoformat(),
               "--jobs", str(jobs), "--no-progress"]
    done = subprocess.run([sys.executable, "-c", CLI_BATCH_SCRIPT, *command], capture_output=True, text=True,
                          check=True)
    result = json.loads(done.stdout)
    lines = sum(1 for _ in open(target, "rb"))
    target.unlink()
    if result["rc"] != 0 or lines != count:
        raise SystemExit(f"retake batch failed (exit {result['rc']}, {lines:,} of {count:,} rows): {result['stderr']}")
    return {"count": count, "jobs": jobs, "seconds": result["seconds"], "per_second": count / result["seconds"],
            "peak": result["peak"]}


# --- cold start ---------------------------------------------------------------------------------

def cold_start(repeat: int) -> dict[str, float]:
    import cold_start as cs

    todo = {name: command for name, command in cs.commands().items()
            if name in ("bare imports", "retake decide", "retake decide --json")}
    for command in todo.values():
        cs._once(command)
    times: dict[str, list[float]] = {name: [] for name in todo}
    for _ in range(repeat):
        for name, command in todo.items():
            times[name].append(cs._once(command))
    return {name: statistics.median(samples) * 1000 for name, samples in times.items()}


# --- the table ----------------------------------------------------------------------------------

def machine() -> str:
    model = "?"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{model}, {os.cpu_count()} CPUs, Python {platform.python_version()}, load average {load}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller counts (a smoke run, not for the record)")
    parser.add_argument("--batch-sizes", default=None, metavar="N,N,N",
                        help="rows per `retake batch` run (default 10000,100000,1000000; --quick 2000,20000)")
    parser.add_argument("--batch-worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--candidate-only", action="store_true",
                        help="only the three-exam candidate vs one-exam verdict figures (issue 11)")
    args = parser.parse_args()
    if args.candidate_only:
        from core.pipeline import default_pipeline

        print(f"machine: {machine()}", flush=True)
        candidate_vs_one(default_pipeline(), 500 if args.quick else 5_000)
        return 0
    if args.batch_worker:
        print(json.dumps(batch_worker(args.batch_worker)))
        return 0

    import core
    from core.pipeline import default_pipeline

    print(f"machine: {machine()}", flush=True)
    pipeline = default_pipeline()
    pool = profile_pool(pipeline, AS_OF, POOL)
    exams = sorted({p["exam"] for p in pool})
    print(f"profiles: {len(pool)} distinct generated profiles over {len(exams)} exams ({', '.join(exams)})",
          flush=True)

    # 1. single verdicts through core.evaluate
    latency_count = 2_000 if args.quick else 20_000
    for profile in pool:
        core.evaluate(profile, AS_OF)
    samples = []
    for profile in cycle(pool, latency_count):
        started = time.perf_counter_ns()
        core.evaluate(profile, AS_OF)
        samples.append(time.perf_counter_ns() - started)
    samples.sort()
    p50, p99 = samples[len(samples) // 2] / 1000, samples[int(len(samples) * 0.99)] / 1000
    full_us = statistics.fmean(samples) / 1000

    # 1b. a three-exam candidate (issue 11) against a one-exam verdict; goal <= 3x
    candidate_vs_one(pipeline, 500 if args.quick else 5_000)  # prints its own line

    # 2. the flowchart alone: floor and peer, over the inputs of the same cases
    inputs = [flowchart_inputs(pipeline, p) for p in pool]
    verdicts = [core.evaluate(p, AS_OF) for p in pool]
    table_count = 20_000 if args.quick else 100_000
    floor_us, floor_results = per_second(flowchart_floor, inputs, table_count)
    agree = sum((v.outcome, v.decision) == r for v, r in zip(verdicts, floor_results)) / len(pool)
    try:
        import zen

        decision = zen.ZenEngine().create_decision(json.dumps(flowchart_jdm()))
        zen_version = _version("zen-engine")
        zen_us, zen_results = per_second(decision.evaluate, inputs, table_count // 4)
        zen_agree = sum((r["result"].get("outcome"), r["result"].get("decision")) == f
                        for r, f in zip(zen_results, floor_results)) / len(pool)
    except ImportError:
        zen_us, zen_version, zen_agree = None, "not installed (pip install -e '.[bench]')", None

    # 3. batches, each in a fresh process
    batches = [run_batch(n) for n in ((2_000, 20_000) if args.quick else (10_000, 100_000))]

    # 3b. `retake batch` end to end: peak memory at each size (--jobs 2), throughput --jobs 1 and 2
    import tempfile

    sizes = (2_000, 20_000) if args.quick else (10_000, 100_000, 1_000_000)
    if args.batch_sizes:
        sizes = tuple(int(n) for n in args.batch_sizes.split(","))
    throughput_rows = sizes[1] if len(sizes) > 1 else sizes[0]
    cli_runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="retake-bench-") as folder:
        for count in sizes:
            source = Path(folder) / f"in-{count}.jsonl"
            size = write_batch_file(source, pool, count)
            jobs_list = (1, 2) if count == throughput_rows else (2,)
            for jobs in jobs_list:
                run = run_cli_batch(source, count, jobs)
                run["bytes"] = size
                cli_runs.append(run)
                print(f"retake batch {count:,} rows --jobs {jobs}: {run['seconds']:.1f} s, peak {run['peak']:.0f} MB",
                      flush=True)
            source.unlink()

    # 4. cold start
    cold = cold_start(3 if args.quick else 11)

    # --- print ---
    full_per_s = 1e6 / full_us
    big = batches[-1]
    growth = (big["rss_end"] - big["rss_10k"]) if big["rss_10k"] is not None else None
    rows: list[tuple[str, str, str]] = [
        ("single verdict, core.evaluate: p50", f"{p50:,.0f} µs", _goal(p50 <= 1000, "<= 1,000 µs")),
        ("single verdict, core.evaluate: p99", f"{p99:,.0f} µs", ""),
        ("single verdict, core.evaluate: mean", f"{full_us:,.0f} µs = {full_per_s:,.0f} verdicts/s", ""),
    ]
    for b in batches:
        rows.append((f"batch {b['count']:,} (judge_rows + JSON out)",
                     f"{b['per_second']:,.0f} verdicts/s, {b['seconds']:.1f} s, peak RSS {b['peak']:.0f} MB", ""))
    if growth is not None:
        rows.append((f"RSS after 10,000 -> after {big['count']:,}",
                     f"{big['rss_10k']:.1f} -> {big['rss_end']:.1f} MB ({growth:+.1f} MB)",
                     _goal(growth <= 20, "<= +20 MB")))
    memory_runs = [r for r in cli_runs if r["jobs"] == 2]
    for r in memory_runs:
        rows.append((f"retake batch {r['count']:,} rows --jobs 2", f"peak RSS {r['peak']:.0f} MB (largest process), "
                     f"{r['per_second']:,.0f} rows/s", f"{r['bytes'] / 1e6:,.0f} MB of JSON Lines in"))
    spread = max(r["peak"] for r in memory_runs) - min(r["peak"] for r in memory_runs)
    rows.append((f"batch peak RSS {memory_runs[0]['count']:,} -> {memory_runs[-1]['count']:,} rows",
                 f"{spread:+.1f} MB", _goal(spread <= 20, "flat within 20 MB")))
    for r in (r for r in cli_runs if r["count"] == throughput_rows):
        rows.append((f"retake batch {r['count']:,} rows --jobs {r['jobs']}", f"{r['per_second']:,.0f} rows/s, "
                     f"{r['seconds']:.1f} s", "throughput, files in and out"))
    rows.append(("floor: flowchart as plain Python", f"{floor_us:,.2f} µs = {1e6 / floor_us:,.0f} /s",
                 f"agrees with core on {agree:.0%} of cases"))
    if zen_us is not None:
        rows.append((f"peer: zen-engine {zen_version} flowchart table", f"{zen_us:,.0f} µs = {1e6 / zen_us:,.0f} /s",
                     f"agrees with floor on {zen_agree:.0%}"))
        ratio = (1e6 / full_us) / (1e6 / zen_us)
        rows.append(("full verdicts/s ÷ zen tables/s", f"{ratio:.2f}", _goal(ratio >= 1.0, ">= 1.0")))
    else:
        rows.append(("peer: zen-engine", zen_version, "not measured"))
    rows.append(("full verdict ÷ floor (time)", f"{full_us / floor_us:,.0f}x", "the price of rules as data + trace"))
    base = cold["bare imports"]
    for name in ("retake decide", "retake decide --json"):
        ratio = cold[name] / base
        rows.append((f"cold start: {name}", f"{cold[name]:,.0f} ms vs bare imports {base:,.0f} ms = {ratio:.2f}x",
                     _goal(ratio <= 1.5, "<= 1.5x")))

    width = max(len(r[0]) for r in rows) + 2
    value_width = max(len(r[1]) for r in rows) + 2
    print()
    print(f"{'measure':<{width}}{'figure':<{value_width}}goal / note")
    print("-" * (width + value_width + 30))
    for name, value, note in rows:
        print(f"{name:<{width}}{value:<{value_width}}{note}")
    print(f"\nload average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


def _goal(met: bool, goal: str) -> str:
    return f"goal {goal}: {'met' if met else 'MISSED'}"


def _version(dist: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
