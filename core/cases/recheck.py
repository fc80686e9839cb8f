"""Re-judge every saved case with the installed rules and say, per case, what changed.

A new verdict joins a case's history only when it differs from the last one (a change, or a new
rules version), so a nightly cron job does not grow the book by one row per case per night.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Optional

from core.cases.diff import CaseChange, diff_verdicts
from core.cases.verdict_records import judge_profile
from core.cases.store import Case, CaseStore, VerdictRecord
from core.errors import ProfileError, RetakeError

WRITE_CHUNK = 500  # verdicts filed per transaction


@dataclass
class RecheckReport:
    as_of: str
    rules_version: str
    checked: int = 0
    filed: int = 0
    cases: list[CaseChange] = field(default_factory=list)  # every case, in name order

    @property
    def changed(self) -> list[CaseChange]:
        return [c for c in self.cases if c.changed]

    def to_dict(self, everything: bool = False) -> dict[str, Any]:
        shown = self.cases if everything else self.changed
        return {"as_of": self.as_of, "rules_version": self.rules_version, "checked": self.checked,
                "changed": len(self.changed), "filed": self.filed, "cases": [c.to_dict() for c in shown]}


def _describe(exc: Exception) -> str:
    if isinstance(exc, ProfileError):
        return "the saved profile no longer validates: " + "; ".join(str(e) for e in exc.errors)
    if isinstance(exc, RetakeError):
        return f"internal fault: {exc}"
    return f"internal fault: {type(exc).__name__}: {exc}"


def recheck(store: CaseStore, as_of: date, pipeline: Any = None, *, save: bool = True,
            progress: Optional[Callable[[int], None]] = None) -> RecheckReport:
    """Judge every case on `as_of`; compare with its latest verdict; file the new ones (unless save=False)."""
    if pipeline is None:
        from core.pipeline import default_pipeline

        pipeline = default_pipeline()
    rules = {rule.id: rule for rule in pipeline.rules}
    report = RecheckReport(as_of=as_of.isoformat(), rules_version=pipeline.rules_version)
    pending: list[tuple[Case, VerdictRecord]] = []
    for summary in store.iter_latest():
        case, latest = summary.case, summary.latest
        result = CaseChange(name=case.name, before_as_of=latest.as_of if latest else None,
                            before_rules_version=latest.rules_version if latest else None,
                            decision_before=latest.decision if latest else None)
        try:
            fresh = judge_profile(pipeline, case.profile, as_of)
        except Exception as exc:  # noqa: BLE001 - one bad case never stops the recheck of the others
            result.error = _describe(exc)
        else:
            result.after_as_of, result.after_rules_version = fresh.as_of, fresh.rules_version
            result.decision_after = fresh.decision
            if latest is not None:
                result.changes = diff_verdicts(latest.verdict, fresh.verdict, rules)
            if latest is None or result.changes or latest.rules_version != fresh.rules_version:
                pending.append((case, fresh))
        report.cases.append(result)
        report.checked += 1
        if progress is not None:
            progress(report.checked)
        if save and len(pending) >= WRITE_CHUNK:
            report.filed += store.record(pending)
            pending = []
    if save and pending:
        report.filed += store.record(pending)
    return report
