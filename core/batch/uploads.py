"""A whole uploaded batch judged in one call, for front ends that keep the result (the dashboard
caches it per file, so a click does not judge the upload again)."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.batch.row_verdicts import BatchStats, judge_rows
from core.batch.reading import profile_rows
from core.batch.schema import Format, detect_format


def judge_upload(data: bytes, name: str | None, as_of: date, pipeline: Any = None,
                 fmt: Format | None = None) -> tuple[Format, list[dict[str, Any]], BatchStats]:
    """(format, one record per row, counts) for an upload's bytes. A pure function of its
    arguments and the loaded rules, so a front end may cache it keyed by (data, name, as_of,
    pipeline.rules_version). Raises ProfileError (field `IN`) when the file cannot be read at all."""
    fmt = fmt or detect_format(name, data)
    stats = BatchStats()
    records = list(judge_rows(profile_rows(data, fmt), as_of, pipeline, fmt=fmt, stats=stats))
    return fmt, records, stats
