"""What a country plugin says about one exam, and what it concludes about one person.

`ExamSpec` is the exam's description (scale, pass marks, limits: dated and sourced).
`Assessment` is the plugin's answer for one profile on one day: every attempt judged,
eligibility (plain date arithmetic) and the current score's band. Core turns an Assessment
into engine facts; the judgement itself is left to the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from core.calendar_math import add_months
from core.dated_values import Dated, DatedValues, NotInForce, Source
from core.rules import Priority, Rule, fact
from core.vocabulary import ATTEMPT_RESULTS  # noqa: F401 - re-exported: plugins read it here

RetakeAfterPass = Literal["never", "allowed", "unconfirmed"]


@dataclass(frozen=True)
class Scale:
    """The range a reported score may take on a sitting's date."""

    low: float
    high: float
    unit: str = "points"

    def contains(self, score: float) -> bool:
        return self.low <= score <= self.high

    def __str__(self) -> str:
        return f"{self.low:g}-{self.high:g}"


@dataclass(frozen=True)
class Band:
    """A score range with what it usually buys.

    `fits_up_to` is the highest specialty competitiveness index (0-100, the seed's scale) this band
    usually fits; `rank` orders bands (a retake is worth something only if it changes rank).
    `low`/`high` are inclusive and on the exam's scale, or on a margin over the pass mark when
    `basis` is "margin". `heuristic` marks bands that are the project's judgement, not the
    authority's. `index_reading` False: the band is not read against a specialty's competitiveness
    (an English test: a met minimum is a bar cleared, and posts do not rank applicants by it).
    """

    id: str
    label: str
    low: float
    high: float
    rank: int
    fits_up_to: int
    source: Source
    note: str = ""
    heuristic: bool = False
    basis: Literal["score", "margin"] = "score"
    index_reading: bool = True

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


# A verdict for a day more than this many months after a plugin's last check of its policies says
# the policy may have changed (the project's own review interval, not an authority's rule).
REVIEW_MONTHS = 12


@dataclass(frozen=True)
class PoliciesChecked:
    """The day a plugin's policy values were last checked against the authority, and where.

    `source` is the authority page to re-check (the verdict names it once the check is stale);
    `note` says what was checked (e.g. the audit it came from). Optional for third-party plugins:
    an exam without it makes no freshness claim and gets no freshness reason.
    """

    day: date
    source: Source
    note: str = ""

    @property
    def review_due(self) -> date:
        """The last day the check counts as fresh: 12 months after it, to the day (29 Feb -> 28 Feb)."""
        return add_months(self.day, REVIEW_MONTHS)

    @property
    def stale_from(self) -> date:
        """The first day a verdict says the policy may have changed: the day after `review_due`."""
        return date.fromordinal(self.review_due.toordinal() + 1)


STALE_POLICY_RULE = "policy-may-have-changed"  # the last part of every plugin's freshness rule id


def stale_policy_rule(plugin: str, authority: str, checked: PoliciesChecked) -> Rule:
    """The plugin's "policy may have changed" rule: in force from `checked.stale_from`, for its
    own exams (core scopes a plugin rule to its plugin), concluding nothing but a warning reason."""
    where = checked.source.url or checked.source.title
    return Rule(
        id=f"{plugin}.{STALE_POLICY_RULE}",
        title=f"{authority} policies were last checked more than {REVIEW_MONTHS} months before this day",
        when={"case": fact("case")},
        text=f"The {authority} policies this verdict uses were last checked against the authority on "
             f"{checked.day.isoformat()}; this verdict is for a day more than {REVIEW_MONTHS} months later, so "
             f"the policy may have changed since. Check {where} before acting on it.",
        source=checked.source, effective=checked.stale_from, priority=Priority.CONTEXT,
        effective_note=f"{REVIEW_MONTHS} months after the last check ({checked.day.isoformat()})",
    )


def policies_checked_by_plugin(exams: Any) -> dict[str, PoliciesChecked]:
    """Each plugin's oldest policy check over its exams (the one that goes stale first)."""
    found: dict[str, PoliciesChecked] = {}
    for exam in exams:
        check = exam.policies_checked
        if check is not None and (exam.plugin not in found or check.day < found[exam.plugin].day):
            found[exam.plugin] = check
    return found


@dataclass(frozen=True)
class ExamSpec:
    """One exam a plugin offers. Every number is dated and sourced.

    - `scale` / `pass_mark`: None when the exam reports only a result (pass/fail), or when each
      sitting sets its own pass mark (`pass_mark_per_sitting`).
    - `attempt_limit`: None when the authority sets none.
    - `big_gain`: the gain on this exam's scale that counts as a real jump (the framework's
      "big improvement"); `small_gain`: at or below this a retake is a red flag. Heuristics.
    - `bands`: the score bands in force on a date (a scale change brings new bands).
    - `retakes_common`: the framework's "country exam where retakes are common".
    - `all_attempts_reported`: programs see every attempt, failures included.
    - `policies_checked`: the day these values were last checked against the authority, and
      where (optional; see `PoliciesChecked`).
    """

    id: str
    name: str
    country: str
    authority: str
    sources: tuple[Source, ...]
    retake_after_pass: RetakeAfterPass
    retake_after_pass_source: Source
    scale: DatedValues[Scale] | None = None
    pass_mark: DatedValues[float] | None = None
    pass_mark_per_sitting: bool = False
    attempt_limit: DatedValues[int] | None = None
    bands: DatedValues[tuple[Band, ...]] | None = None
    big_gain: float | None = None
    small_gain: float | None = None
    gain_source: Source | None = None
    retakes_common: bool = False
    all_attempts_reported: bool = True
    parts: tuple[str, ...] = ()
    discontinued: date | None = None
    notes: tuple[str, ...] = ()
    # Exam-shaped framework output (core.overrides.Override): conclusions that do not apply to this
    # exam, or its own words for them, by rule id or `action:KEY` / `red_flag:KEY`.
    overrides: tuple[Any, ...] = ()
    policies_checked: PoliciesChecked | None = None
    plugin: str = ""  # filled in by core at registration

    @property
    def numeric(self) -> bool:
        return self.scale is not None

    def scale_on(self, day: date) -> Scale | None:
        if self.scale is None:
            return None
        try:
            return self.scale.value_at(day)
        except NotInForce:
            return None

    def bands_on(self, day: date) -> tuple[Band, ...]:
        if self.bands is None:
            return ()
        try:
            return self.bands.value_at(day)
        except NotInForce:
            return ()


@dataclass(frozen=True)
class JudgedAttempt:
    """One sitting as the authority would count it."""

    index: int
    date: date
    result: str  # one of ATTEMPT_RESULTS
    score: float | None = None
    pass_mark: Dated[float] | None = None
    counts: bool = True  # counts toward the attempt limit
    note: str = ""

    @property
    def passed(self) -> bool:
        return self.result == "pass"


@dataclass(frozen=True)
class Deadline:
    """A dated limit from the authority's rules, shown in the verdict and the candidate's timeline.

    `kind` is "deadline" (the last day to do something) or "validity_end" (the last day a result
    counts); `concerns` names the exam the limit is about when it is not the assessed one (PLAB 1's
    pass sets the PLAB 2 window); `opens` is the first day of the window the deadline closes.
    """

    id: str
    date: date
    text: str
    source: Source
    confidence: str = "high"
    kind: str = "deadline"
    concerns: str = ""
    opens: date | None = None


@dataclass
class Eligibility:
    """Plain date arithmetic on the attempt history, in force on the `as_of` day.

    `blocked_by` names why no retake is possible ("passed-final", "attempts-exhausted", …);
    plugin rules match on it to give the reason with its source.
    """

    passed: bool
    can_retake: bool
    attempts_used: int
    attempts_left: int | None
    earliest_date: date | None = None
    deadlines: list[Deadline] = field(default_factory=list)
    blocked_by: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PartResult:
    """One part of a multi-part exam's deciding sitting (an IELTS skill, an OET sub-test, PLAB 2
    stations) against the authority's minimum. `value` / `minimum` share one numeric scale (grades
    ranked, worst = 0, names in `scale`); `shown` / `shown_minimum` are what the authority prints."""

    name: str
    value: float
    minimum: float
    met: bool | None = None
    shown: str = ""
    shown_minimum: str = ""
    scale: tuple[str, ...] = ()


@dataclass
class Assessment:
    """A plugin's answer for one profile: judged attempts, eligibility, band, extra facts.

    `facts` are extra engine facts for the plugin's own rules; each is a dict with a `t` (type)
    key that should start with the plugin's name (e.g. `{"t": "usmle.transcript", ...}`).
    """

    exam: ExamSpec
    attempts: list[JudgedAttempt]
    eligibility: Eligibility
    score: float | None = None
    band: Band | None = None
    predicted_band: Band | None = None
    pass_mark: Dated[float] | None = None
    facts: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    parts: list[PartResult] = field(default_factory=list)  # the deciding sitting's parts (multi-part exams)

    @property
    def latest(self) -> JudgedAttempt | None:
        return self.attempts[-1] if self.attempts else None
