"""Mutated batch files through the `retake batch` path: no row lost, none invented, no internal fault.

400 seeded files here (both formats); `make fuzz` (bench/fuzz.py) runs 3,000 and prints the figures.
"""

from __future__ import annotations

import pytest

from hardening.batch_mutations import check_file, mutated_file
from core.pipeline import default_pipeline
from days import AS_OF


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_mutated_batch_files_lose_no_row_and_raise_no_fault(fmt: str) -> None:
    pipeline = default_pipeline()
    refused = judged = 0
    for seed in range(200):
        result = check_file(mutated_file(seed, fmt), fmt, AS_OF, pipeline)
        assert not result.lost, f"seed {seed}: input rows {result.lost} gave no output row"
        assert not result.invented, f"seed {seed}: output rows {result.invented} match no input line"
        assert result.stats.internal_errors == 0, f"seed {seed}: internal fault"
        refused += result.refused
        judged += result.stats.judged
    assert refused < 20 and judged > 1000  # the mutations leave most files readable, most rows judged


def test_the_row_counter_sees_a_lost_row() -> None:
    # The check must be able to fail: a file with a row the counter expects but nobody judged.
    from hardening.batch_mutations import _line_numbers

    must, may = _line_numbers(b"exam,attempt1_date\nusmle-step1,2025-01-01\n\n\"\n", "csv")
    assert must == {1} and may == {1, 3}
