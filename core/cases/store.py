"""The storage interface: what the rest of the product may ask of a case book, whatever holds it.

Everything outside `core.cases.sqlite_store` talks to a `CaseStore`; a server database would be a
second class with these methods (and its own migrations), nothing else changes. Records are plain
frozen dataclasses of JSON-ready values, so a back end only stores text, numbers and dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Optional, Protocol, Sequence


class CaseError(Exception):
    """A case-book request that cannot be done; `field` names the argument at fault (NAME, PROFILE)."""

    def __init__(self, message: str, field: str = "NAME", allowed: str = ""):
        super().__init__(message)
        self.field, self.allowed = field, allowed


class CaseExists(CaseError):
    """`add` of a name already in the book."""


class CaseNotFound(CaseError):
    """`show`, `update` or `remove` of a name not in the book."""


@dataclass(frozen=True)
class VerdictRecord:
    """One judgement of a case: the summary columns a list needs, and the full verdict JSON.

    For a one-exam profile `verdict` is the Verdict object; for a multi-exam (candidate) profile it
    is `{"as_of", "verdicts": {exam: Verdict}, "timeline", "rules_version"}` and `decision` /
    `outcome` read `exam=value` per exam, joined by `; `.
    """

    as_of: str  # ISO day the verdict was judged as of
    rules_version: str
    decision: Optional[str]
    outcome: Optional[str]
    earliest_date: Optional[str]
    next_deadline: Optional[str]  # first deadline on or after as_of, any exam
    deadlines: tuple[dict[str, Any], ...]  # [{"exam", "id", "date"}] sorted by date
    verdict: dict[str, Any]
    checked_at: str = ""  # set by the store when written (UTC, seconds)
    id: int = 0  # set by the store


@dataclass(frozen=True)
class Case:
    """A named profile. `profile` is the raw mapping the user gave, after it validated."""

    id: int
    name: str
    profile: dict[str, Any]
    revision: int  # +1 on every update: a recheck never files a verdict under a newer profile
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class CaseSummary:
    """A case with its latest verdict (None only if it was never judged)."""

    case: Case
    latest: Optional[VerdictRecord]
    verdicts: int = 0


@dataclass(frozen=True)
class NewCase:
    """One case to add in a batch (`add_many`)."""

    name: str
    profile: dict[str, Any]
    verdict: VerdictRecord
    replace: bool = False  # update the case when the name exists


@dataclass
class AddResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # same name, same profile: nothing to do
    refused: list[tuple[str, str]] = field(default_factory=list)  # (name, why)


class CaseStore(Protocol):
    """A case book. Every write is one transaction: it happens whole or not at all."""

    path: str

    def add(self, name: str, profile: dict[str, Any], verdict: VerdictRecord) -> Case:
        """A new case with its first verdict. Raises CaseExists."""

    def add_many(self, items: Sequence[NewCase]) -> AddResult:
        """Several cases in one transaction (import): each whole, or the batch not at all."""

    def update(self, name: str, profile: dict[str, Any], verdict: VerdictRecord) -> Case:
        """Replace a case's profile and file a verdict for it; history kept. Raises CaseNotFound."""

    def remove(self, name: str) -> int:
        """Delete the case and its whole history; returns the verdicts deleted. Raises CaseNotFound."""

    def get(self, name: str) -> Case:
        """Raises CaseNotFound."""

    def history(self, name: str) -> list[VerdictRecord]:
        """Every verdict of the case, oldest first. Raises CaseNotFound."""

    def summary(self, name: str) -> CaseSummary:
        """One case with its latest verdict. Raises CaseNotFound."""

    def summaries(self) -> list[CaseSummary]:
        """Every case with its latest verdict, by name."""

    def iter_latest(self) -> Iterator[CaseSummary]:
        """Every case with its latest verdict, streamed (recheck of large books)."""

    def record(self, items: Iterable[tuple[Case, VerdictRecord]]) -> int:
        """File verdicts for cases (recheck). A case removed or updated meanwhile is skipped; returns filed."""

    def counts(self) -> tuple[int, int]:
        """(cases, verdicts)."""

    def close(self) -> None: ...
