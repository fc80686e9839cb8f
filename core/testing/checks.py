"""Static checks of what a plugin registers: exam specs, dated values, bands, sources, rules.

Each check returns a list of problems (plain sentences naming the exam, rule or value); an empty
list means the check passed. `core.testing.check_plugin` runs them all. The rule checks live in
`core.testing.rule_checks` and are importable from here too.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Iterable, Sequence

from core.specialty_index import Specialty
from core.dated_values import CONFIDENCE_LEVELS, Dated, DatedValues, Source
from core.exams import Band, ExamSpec, Scale
from core.plugins import EXAM_ID
from core.rules import CONCLUSION_TYPES, Rule
from core.testing.rule_checks import (
    blocked_by_codes, check_rules, check_rules_compile, core_fact_fields, rule_conclusions,
)

RETAKE_AFTER_PASS = ("never", "allowed", "unconfirmed")


def _has_source(source: Any) -> bool:
    return isinstance(source, Source) and bool(source.title.strip())


def _histories(exam: ExamSpec) -> Iterable[tuple[str, DatedValues[Any]]]:
    for field_name in ("scale", "pass_mark", "attempt_limit", "bands"):
        history = getattr(exam, field_name)
        if history is not None:
            yield field_name, history


# --- exam specs ---------------------------------------------------------------------------------

def check_exam_specs(exams: Sequence[ExamSpec]) -> list[str]:
    """Every exam is an ExamSpec with an id, a name, an ISO country, sources and a coherent shape."""
    problems: list[str] = []
    seen: set[str] = set()
    for exam in exams:
        if not isinstance(exam, ExamSpec):
            problems.append(f"registered a {type(exam).__name__}, not an ExamSpec")
            continue
        where = f"exam {exam.id!r}"
        if not EXAM_ID.match(exam.id):
            problems.append(f"{where}: the id must be lower-case words joined by dashes")
        if exam.id in seen:
            problems.append(f"{where}: registered twice")
        seen.add(exam.id)
        if not exam.name.strip():
            problems.append(f"{where}: needs a name")
        if not exam.authority.strip():
            problems.append(f"{where}: needs the authority that runs it")
        if not (len(exam.country) == 2 and exam.country.isalpha() and exam.country.isupper()):
            problems.append(f"{where}: country {exam.country!r} must be an ISO 3166 alpha-2 code such as AU")
        if exam.retake_after_pass not in RETAKE_AFTER_PASS:
            problems.append(f"{where}: retake_after_pass must be one of {', '.join(RETAKE_AFTER_PASS)}")
        if exam.pass_mark is not None and exam.scale is None:
            problems.append(f"{where}: a pass mark needs a scale to sit on")
        if exam.pass_mark_per_sitting and exam.scale is None:
            problems.append(f"{where}: pass_mark_per_sitting needs a scale for the scores")
        for field_name, history in _histories(exam):
            if not isinstance(history, DatedValues):
                problems.append(f"{where}: {field_name} must be a DatedValues (see core.dated_values)")
        if exam.bands is not None and exam.scale is None and isinstance(exam.bands, DatedValues):
            if any(b.basis == "score" for entry in exam.bands.entries for b in entry.value):
                problems.append(f"{where}: bands on the score need a scale; use basis='margin' for margins "
                                "over the pass mark")
        gains = (exam.big_gain, exam.small_gain)
        if any(g is not None for g in gains):
            if not _has_source(exam.gain_source):
                problems.append(f"{where}: big_gain / small_gain need a gain_source")
            if exam.big_gain is not None and exam.big_gain <= 0:
                problems.append(f"{where}: big_gain must be positive")
            if exam.small_gain is not None and exam.small_gain < 0:
                problems.append(f"{where}: small_gain must be 0 or more (0: no gain counts as small)")
            if None not in gains and exam.small_gain >= exam.big_gain:
                problems.append(f"{where}: small_gain ({exam.small_gain:g}) must be below big_gain ({exam.big_gain:g})")
    return problems


# --- sources ------------------------------------------------------------------------------------

def check_sources(exams: Sequence[ExamSpec], rules: Sequence[Rule], specialties: Sequence[Specialty] = ()) -> list[str]:
    """Every exam, dated value, band, rule and specialty says where it comes from."""
    problems: list[str] = []
    for exam in exams:
        if not isinstance(exam, ExamSpec):
            continue
        where = f"exam {exam.id!r}"
        if not exam.sources or not all(_has_source(s) for s in exam.sources):
            problems.append(f"{where}: sources must list at least one Source, each with a title")
        if not _has_source(exam.retake_after_pass_source):
            problems.append(f"{where}: retake_after_pass_source needs a Source with a title")
        for field_name, history in _histories(exam):
            if not isinstance(history, DatedValues):
                continue
            for entry in history.entries:
                if not _has_source(entry.source):
                    problems.append(f"{where}: {field_name} value from {entry.effective} has no source")
                if field_name == "bands":
                    for band in entry.value:
                        if not _has_source(band.source):
                            problems.append(f"{where}: band {band.id!r} has no source")
    for rule in rules:
        if isinstance(rule, Rule) and not _has_source(rule.source):
            problems.append(f"rule {rule.id!r}: has no source")
    for specialty in specialties:
        if isinstance(specialty, Specialty) and not _has_source(specialty.source):
            problems.append(f"specialty {specialty.id!r}: has no source")
    return problems


# --- dated values -------------------------------------------------------------------------------

def _boundary_days(*histories: DatedValues[Any] | None) -> list[date]:
    """Every day on which one of the histories changes (and the last day of a closed one)."""
    days: set[date] = set()
    for history in histories:
        if history is None:
            continue
        days.update(entry.effective for entry in history.entries)
        if history.until is not None:
            days.add(history.until - timedelta(days=1))
    return sorted(days)


def _value_on(history: DatedValues[Any] | None, day: date) -> Any:
    if history is None or not history.in_force(day):
        return None
    return history.value_at(day)


def check_dated_values(exams: Sequence[ExamSpec]) -> list[str]:
    """Histories are strictly ordered, unconfirmed values say why, and they leave no gaps.

    "No gaps": whenever an exam's scale is in force, so is its pass mark (unless each sitting sets
    its own), and every pass mark lies on the scale in force on the same day.
    """
    problems: list[str] = []
    for exam in exams:
        if not isinstance(exam, ExamSpec):
            continue
        where = f"exam {exam.id!r}"
        for field_name, history in _histories(exam):
            if not isinstance(history, DatedValues):
                continue
            days = [e.effective for e in history.entries]
            if days != sorted(set(days)):
                problems.append(f"{where}: {field_name} effective dates must be strictly increasing: {days}")
            for entry in history.entries:
                if not isinstance(entry, Dated):
                    problems.append(f"{where}: {field_name} entries must be Dated values")
                    continue
                if entry.confidence not in CONFIDENCE_LEVELS:
                    problems.append(f"{where}: {field_name} from {entry.effective}: confidence {entry.confidence!r}")
                if entry.unconfirmed and not entry.note.strip():
                    problems.append(f"{where}: {field_name} from {entry.effective} is unconfirmed; its note must "
                                    "say what could not be confirmed")
        scale, mark = exam.scale, exam.pass_mark
        if isinstance(scale, DatedValues) and isinstance(mark, DatedValues) and not exam.pass_mark_per_sitting:
            if mark.entries[0].effective > scale.entries[0].effective:
                problems.append(f"{where}: the scale is in force from {scale.entries[0].effective} but the pass mark "
                                f"only from {mark.entries[0].effective}: sittings in between cannot be judged")
            if mark.until is not None and (scale.until is None or mark.until < scale.until):
                problems.append(f"{where}: the pass mark ends on {mark.until} while the scale stays in force")
        if isinstance(scale, DatedValues) and isinstance(mark, DatedValues):
            for day in _boundary_days(scale, mark):
                on_scale, value = _value_on(scale, day), _value_on(mark, day)
                if isinstance(on_scale, Scale) and value is not None and not on_scale.contains(value):
                    problems.append(f"{where}: on {day} the pass mark {value:g} is off the scale {on_scale}")
    return problems


# --- bands --------------------------------------------------------------------------------------

def _check_band_set(where: str, bands: Sequence[Band], scale: Scale | None, resolution: float) -> list[str]:
    problems: list[str] = []
    ids = [b.id for b in bands]
    if len(set(ids)) != len(ids):
        problems.append(f"{where}: band ids repeat: {ids}")
    for band in bands:
        if band.low > band.high:
            problems.append(f"{where}: band {band.id!r} has low {band.low:g} above high {band.high:g}")
        if not 0 <= band.fits_up_to <= 100:
            problems.append(f"{where}: band {band.id!r} fits_up_to must be 0-100 (the competitiveness index)")
    for basis in ("score", "margin"):
        ordered = sorted((b for b in bands if b.basis == basis), key=lambda b: (b.low, b.high))
        for previous, current in zip(ordered, ordered[1:]):
            if current.low <= previous.high:
                problems.append(f"{where}: bands {previous.id!r} and {current.id!r} overlap "
                                f"({previous.low:g}-{previous.high:g} and {current.low:g}-{current.high:g})")
            elif current.low - previous.high > resolution:
                problems.append(f"{where}: no band covers {previous.high:g}-{current.low:g} (between "
                                f"{previous.id!r} and {current.id!r})")
            if current.rank < previous.rank:
                problems.append(f"{where}: band {current.id!r} sits above {previous.id!r} but has a lower rank")
        if basis == "score" and ordered and scale is not None:
            if ordered[0].low > scale.low:
                problems.append(f"{where}: scores {scale.low:g}-{ordered[0].low:g} on the scale {scale} have no band")
            if ordered[-1].high < scale.high:
                problems.append(f"{where}: scores {ordered[-1].high:g}-{scale.high:g} on the scale {scale} have no band")
    return problems


def check_bands(exams: Sequence[ExamSpec], resolution: float = 1.0) -> list[str]:
    """On every day bands are in force, score bands cover the scale with no overlap and no gap.

    `resolution` is the largest step between one band's high and the next band's low that is not
    a gap (1 for whole-number scores such as 219 / 220). Margin bands are checked for overlaps and
    gaps only.
    """
    problems: list[str] = []
    for exam in exams:
        if not isinstance(exam, ExamSpec) or not isinstance(exam.bands, DatedValues):
            continue
        scale = exam.scale if isinstance(exam.scale, DatedValues) else None
        reported: set[str] = set()
        for day in _boundary_days(exam.bands, scale):
            bands = _value_on(exam.bands, day)
            if bands is None:
                continue
            for problem in _check_band_set(f"exam {exam.id!r} bands on {day}", bands, _value_on(scale, day), resolution):
                # One problem usually shows on several boundary days: report it once.
                key = problem.split(": ", 1)[1]
                if key not in reported:
                    reported.add(key)
                    problems.append(problem)
    return problems


# --- specialties --------------------------------------------------------------------------------

def check_specialties(specialties: Sequence[Specialty]) -> list[str]:
    problems: list[str] = []
    for specialty in specialties:
        if not isinstance(specialty, Specialty):
            problems.append(f"registered a {type(specialty).__name__}, not a Specialty")
            continue
        problems.extend(specialty.problems())
        if not specialty.name.strip():
            problems.append(f"specialty {specialty.id!r}: needs a name")
    return problems


__all__ = [
    "CONCLUSION_TYPES", "blocked_by_codes", "check_bands", "check_dated_values", "check_exam_specs", "check_rules",
    "check_rules_compile", "check_sources", "check_specialties", "core_fact_fields", "rule_conclusions",
]
