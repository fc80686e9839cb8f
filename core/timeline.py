"""The candidate's timeline: every dated event that matters, across exams, sorted by date.

Each event is `{date, exam, kind, rule, text, source, days_left}`:
- `sitting`: a sitting from the profile (rule and source null: it is the person's own record);
- `result`: a result date given in the profile (`attempts[i].result_date`);
- `earliest_retake`: the first day the next attempt may be sat under the exam's waiting rules;
- `window_opens`: the first day of a window a deadline closes (e.g. the PLAB 2 window);
- `deadline`: the last day to do something (pass PLAB 2, have registration approved);
- `validity_end`: the last day a result counts (an English test result).

`rule` is the dated policy the date comes from, as `<plugin>.<deadline id>` (the same ids the
verdict's `eligibility.deadlines` carry), and `source` its address. `days_left` counts from `as_of`
(negative: in the past). Built from plugin Assessments only: no date arithmetic here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Optional

from core.exams import Assessment, Deadline
from core.profile import Profile

KINDS = ("sitting", "result", "earliest_retake", "window_opens", "deadline", "validity_end")
# Kinds a person puts in a calendar (`retake timeline --ics`): the limits, not their own history.
CALENDAR_KINDS = ("earliest_retake", "deadline", "validity_end")
# Kinds that end something: a window, an eligibility, a result's validity.
LIMIT_KINDS = ("deadline", "validity_end")
_ORDER = {kind: i for i, kind in enumerate(KINDS)}
_RESULT_WORDS = {"pass": "pass", "fail": "fail", "incomplete": "incomplete", "no_standing": "no standing",
                 "denied_standing": "denied standing"}


@dataclass(frozen=True)
class Event:
    date: date
    exam: str
    kind: str
    rule: Optional[str]
    text: str
    source: Optional[str]
    days_left: int

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "exam": self.exam, "kind": self.kind, "rule": self.rule,
                "text": self.text, "source": self.source, "days_left": self.days_left}

    @property
    def sort_key(self) -> tuple[Any, ...]:
        return (self.date, _ORDER.get(self.kind, len(KINDS)), self.exam, self.rule or "", self.text)


def _source(deadline: Deadline) -> str:
    return deadline.source.url or deadline.source.title


def _score_words(attempt: Any) -> str:
    if attempt.score is None:
        return ""
    mark = f" (pass mark {attempt.pass_mark.value:g})" if attempt.pass_mark is not None else ""
    return f"{attempt.score:g}{mark}, "


def events_for(assessment: Assessment, profile: Optional[Profile], as_of: date) -> list[Event]:
    """The dated events one exam's assessment holds (its sittings, waiting rule and deadlines)."""
    exam = assessment.exam
    events: list[Event] = []

    def add(day: date, exam_id: str, kind: str, rule: Optional[str], text: str, source: Optional[str]) -> None:
        events.append(Event(day, exam_id, kind, rule, text, source, (day - as_of).days))

    for attempt in assessment.attempts:
        result = _RESULT_WORDS.get(attempt.result, attempt.result)
        add(attempt.date, exam.id, "sitting", None, f"{exam.name} sitting {attempt.index + 1}: {_score_words(attempt)}{result}",
            None)
        given = profile.attempts[attempt.index].result_date if profile is not None else None
        if given is not None:
            add(given, exam.id, "result", None, f"{exam.name} result of the sitting of {attempt.date.isoformat()}: "
                f"{result}", None)
    eligibility = assessment.eligibility
    if eligibility.can_retake and eligibility.earliest_date is not None:
        source = exam.sources[0] if exam.sources else None
        what = "your next attempt" if not eligibility.passed else "another sitting"
        add(eligibility.earliest_date, exam.id, "earliest_retake", f"{exam.plugin}.earliest-retake",
            f"Earliest day for {what} at {exam.name} under its waiting rules"
            + (f" ({eligibility.attempts_left} attempts left)" if eligibility.attempts_left is not None else ""),
            (source.url or source.title) if source else None)
    for deadline in eligibility.deadlines:
        concerns = deadline.concerns or exam.id
        rule = f"{exam.plugin}.{deadline.id}"
        if deadline.opens is not None:
            add(deadline.opens, concerns, "window_opens", rule,
                f"Start of the window that ends on {deadline.date.isoformat()}: {deadline.text}", _source(deadline))
        kind = deadline.kind if deadline.kind in KINDS else "deadline"
        add(deadline.date, concerns, kind, rule, deadline.text, _source(deadline))
    return events


def build_timeline(items: Iterable[tuple[Assessment, Optional[Profile]]], as_of: date) -> list[Event]:
    """Every exam's events in one list, sorted by date (then kind, exam); one event per deadline.

    The same deadline reached from two exams (a cross-exam rule seen from both) is kept once.
    """
    seen: set[tuple[Any, ...]] = set()
    out: list[Event] = []
    for assessment, profile in items:
        for event in events_for(assessment, profile, as_of):
            key = (event.date, event.exam, event.kind, event.rule)
            if event.kind != "sitting" and key in seen:
                continue
            seen.add(key)
            out.append(event)
    return sorted(out, key=lambda e: e.sort_key)


def to_sit_limits(timeline: Iterable[Event], exam_id: str) -> tuple[Optional[Event], Optional[Event]]:
    """(the next limit ahead, the latest limit already passed) among one exam's timeline events.

    An exam still to sit has no verdict, so a limit already passed (USMLE Step 3 closed once another
    Step is exhausted, a PLAB 2 window over) is what says it can no longer simply be sat; both front
    ends say it beside "still to sit".
    """
    limits = [e for e in timeline if e.exam == exam_id and e.kind in LIMIT_KINDS]
    ahead = next((e for e in limits if e.days_left >= 0), None)
    passed = next((e for e in reversed(limits) if e.days_left < 0), None)
    return ahead, passed
