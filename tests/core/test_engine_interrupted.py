"""A session interrupted mid-way (Ctrl-C, SIGTERM, a bug) is unwound without crashing the process.

durable_rules aborted the process ("double free or corruption", exit 134) when a session was
deleted with an action queued but not started: a Ctrl-C just after a rule set's first session
opened did that (found by the batch engineer). Each case runs in a child process, so an abort
fails the test instead of killing pytest.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

CHILD = textwrap.dedent('''
    import datetime, sys
    import durable_rules_engine as d
    from core.pipeline import Pipeline
    from core.plugins import build_registry

    name, k, warm = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "warm"
    real = getattr(d, name)
    calls = {"n": 0, "armed": False}

    def interrupted(*args):
        result = real(*args)
        if calls["armed"]:
            calls["n"] += 1
            if calls["n"] == k:
                raise KeyboardInterrupt  # as a signal handler's would, right after the call returns
        return result

    setattr(d, name, interrupted)
    pipeline = Pipeline(build_registry())
    profile = {"exam": "usmle-step1", "attempts": [{"date": "2025-01-10", "result": "fail"},
                                                   {"date": "2026-01-10", "result": "pass"}],
               "target": {"country": "US", "specialty": "internal-medicine"}}
    day = datetime.date(2026, 6, 1)
    expected = pipeline.evaluate(profile, day).to_json_dict() if warm else None
    calls["armed"] = True
    try:
        pipeline.evaluate(profile, day)
        sys.exit("the interruption did not land")
    except KeyboardInterrupt:
        pass
    calls["armed"] = False
    again = pipeline.evaluate(profile, day).to_json_dict()
    if expected is not None and again != expected:
        sys.exit("the verdict after the interruption differs")
    print("ok")
''')


@pytest.mark.parametrize(("name", "k", "warm"), [
    ("assert_fact", 1, "cold"),                 # the rule set's first session, its opening action queued
    ("assert_fact", 3, "warm"),
    ("start_action_for_state", 1, "cold"),      # an action started, not completed
    ("complete_and_start_action", 2, "warm"),   # mid-way through a fact's chain of actions
])
def test_an_interrupted_session_unwinds_and_the_next_verdict_is_unchanged(name, k, warm):
    done = subprocess.run([sys.executable, "-c", CHILD, name, str(k), warm], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, (done.returncode, done.stderr[-800:])
    assert done.stdout.strip() == "ok"
