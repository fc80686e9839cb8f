"""A worker process killed mid-batch (a plugin crashing the interpreter, the OOM killer): the batch
still gives exactly one record per input row, in order; only the row that kills its worker is an
internal fault naming the cause, and every other row is judged (issue 15: no row lost, ever)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from core.batch import BatchStats, judge_rows_parallel, profile_rows
from core.plugins import ENTRY_POINT_GROUP

from days import AS_OF

HERE = Path(__file__).parent / "guest_plugins"
USMLE = {"exam": "usmle-step2ck", "attempts": [{"date": "2025-09-14", "score": 221}],
         "target": {"country": "US", "specialty": "internal-medicine"}}


@pytest.mark.slow
def test_a_worker_killed_mid_batch_loses_no_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Installed as a third party's plugin would be, where the spawned workers find it too.
    site = tmp_path / "site"
    info = site / "retake_dying-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: retake-dying\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\ndying = kills_its_worker\n")
    path = os.pathsep.join([str(site), str(HERE), os.environ.get("PYTHONPATH", "")])
    monkeypatch.setenv("PYTHONPATH", path)
    monkeypatch.syspath_prepend(str(HERE))
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("RETAKE_PLUGINS", "usmle,plab,mccqe,dying")

    rows = [USMLE] * 600
    rows[333] = {**USMLE, "exam": "dying-exam"}
    text = "\n".join(json.dumps(row) for row in rows) + "\n"
    stats = BatchStats()
    records = list(judge_rows_parallel(profile_rows(text, "jsonl"), AS_OF, jobs=2, stats=stats, chunk_rows=50))

    assert [r["row"] for r in records] == list(range(1, 601))  # one per row, in order
    faults = [r for r in records if (r["error"] or "").startswith("internal fault")]
    # The pool's break failed every chunk in flight (300 rows); re-judged row by row, only the
    # row that kills its worker again is a fault.
    assert [r["row"] for r in faults] == [334]
    assert "the worker process judging this row stopped" in faults[0]["error"]
    assert stats.internal_errors == 1 and stats.judged == 599
    assert {r["decision"] for r in records if not r["error"]} == {"not_allowed"}
