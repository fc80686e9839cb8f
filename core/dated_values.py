"""Sourced, effective-dated policy values.

Exam policies change: a 2023 attempt is judged by the pass mark in force in 2023, not today's.
A `DatedValues` keeps the whole history and answers "what was in force on date D", so no code
ever holds only "the current number".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Generic, Iterable, TypeVar

T = TypeVar("T")

CONFIDENCE_LEVELS = ("high", "medium-high", "medium", "low", "unconfirmed")


# The effective day of a value with no known start (`DatedValues.constant`): read as "long-standing".
LONG_STANDING = date(1900, 1, 1)


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: a page title and its address."""

    title: str
    url: str = ""

    def __str__(self) -> str:
        return f"{self.title} <{self.url}>" if self.url else self.title


@dataclass(frozen=True)
class Dated(Generic[T]):
    """One value with the day it took effect, where it comes from, and how sure we are."""

    value: T
    effective: date
    source: Source
    confidence: str = "high"
    note: str = ""

    def __post_init__(self) -> None:
        if self.confidence not in CONFIDENCE_LEVELS:
            raise ValueError(
                f"confidence must be one of {', '.join(CONFIDENCE_LEVELS)}, not {self.confidence!r}"
            )

    @property
    def unconfirmed(self) -> bool:
        return self.confidence == "unconfirmed"


class NotInForce(LookupError):
    """Asked for a value on a day before the first recorded value took effect."""


@dataclass(frozen=True)
class DatedValues(Generic[T]):
    """A history of values, each in force from its `effective` day until the next one's.

    `until` (exclusive) closes the last entry when a policy simply ended (e.g. an exam that is
    no longer delivered); leave it None while the last value is still in force.
    """

    entries: tuple[Dated[T], ...]
    until: date | None = None
    name: str = field(default="value", compare=False)

    def __post_init__(self) -> None:
        if not self.entries:
            raise ValueError(f"{self.name}: a dated history needs at least one value")
        days = [e.effective for e in self.entries]
        if days != sorted(days) or len(set(days)) != len(days):
            raise ValueError(f"{self.name}: effective dates must be strictly increasing: {days}")
        if self.until is not None and self.until <= days[-1]:
            raise ValueError(f"{self.name}: 'until' must fall after the last effective date")

    @classmethod
    def of(cls, *entries: Dated[T], until: date | None = None, name: str = "value") -> "DatedValues[T]":
        return cls(tuple(entries), until=until, name=name)

    @classmethod
    def constant(
        cls, value: T, source: Source, since: date = LONG_STANDING, confidence: str = "high",
        note: str = "", name: str = "value",
    ) -> "DatedValues[T]":
        """A value with no known history: in force from `since` (default: long-standing)."""
        return cls((Dated(value, since, source, confidence, note),), name=name)

    def at(self, day: date) -> Dated[T]:
        """The entry in force on `day` (inclusive of its effective day)."""
        if day < self.entries[0].effective:
            raise NotInForce(f"{self.name}: no value in force before {self.entries[0].effective.isoformat()}")
        if self.until is not None and day >= self.until:
            raise NotInForce(f"{self.name}: no value in force on or after {self.until.isoformat()}")
        current = self.entries[0]
        for entry in self.entries[1:]:
            if entry.effective > day:
                break
            current = entry
        return current

    def value_at(self, day: date) -> T:
        return self.at(day).value

    def in_force(self, day: date) -> bool:
        try:
            self.at(day)
        except NotInForce:
            return False
        return True

    def periods(self) -> Iterable[tuple[Dated[T], date | None]]:
        """Each entry with the day it stopped being in force (None: still in force)."""
        for index, entry in enumerate(self.entries):
            if index + 1 < len(self.entries):
                yield entry, self.entries[index + 1].effective
            else:
                yield entry, self.until

    @property
    def latest(self) -> Dated[T]:
        return self.entries[-1]
