"""What a report says, as plain data (strings, dates, PNG bytes): built once, laid out twice."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping, Sequence

from core.profile import Profile, parse_profile
from core.verdict import Verdict
from frontends import charts, verdict_view

PICTURE_WIDTH = 640


@dataclass
class Event:
    day: date
    what: str
    when: str  # the date with the days left, in words
    source: str = ""


@dataclass
class ReasonLine:
    title: str
    text: str
    rule: str
    source: str
    source_title: str
    effective: str
    confidence: str


@dataclass
class Image:
    question: str
    png: bytes
    caption: str = ""


@dataclass
class Report:
    title: str
    exam: str
    authority: str
    headline: str
    outcome: str
    decided_by: list[str]
    eligibility: list[tuple[str, str]]
    timeline: list[Event]
    path: list[verdict_view.PathLine]
    actions: list[str]
    red_flags: list[str]
    reasons: list[ReasonLine]
    notes: list[str]
    pictures: list[Image]
    glossary: list[tuple[str, str]]
    as_of: date
    rules_version: str
    guidance: str
    picture_note: str = ""
    target: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _effective(reason: Any) -> str:
    if reason.effective is not None:
        return f"effective {reason.effective.isoformat()}"
    return reason.effective_note or "no effective date recorded"


def _timeline(verdict: Verdict, profile: Profile) -> list[Event]:
    as_of = verdict.as_of
    events = [Event(a.date, f"Sitting {n}" + (f": score {a.score:g}" if a.score is not None else "")
                    + (f", result {verdict_view.result_word(a.result)}" if a.result else ""),
                    verdict_view.days(a.date, as_of))
              for n, a in enumerate(profile.attempts, 1)]
    elig = verdict.eligibility
    if elig.can_retake and elig.earliest_date is not None:
        events.append(Event(elig.earliest_date, "Earliest retake", verdict_view.days(elig.earliest_date, as_of)))
    for deadline in elig.deadlines:
        events.append(Event(deadline.date, deadline.text, verdict_view.days(deadline.date, as_of), deadline.source))
    events.append(Event(as_of, "Judged on this day (as of)", as_of.isoformat()))
    return sorted(events, key=lambda e: e.day)


def _pictures(verdict: Verdict, profile: Profile, pipeline: Any) -> tuple[list[Image], str]:
    exam = pipeline.registry.exam(profile.exam)
    specialties = list(pipeline.registry.specialties(profile.target.country).values())
    found = charts.pictures(verdict, profile, exam, specialties, with_flowchart=False)
    if not found:
        return [], ""
    try:
        import vl_convert
    except ImportError:  # an installation without the optional renderer: say so, never fail the report
        return [], "Pictures are left out: vl-convert-python is not installed."
    images = []
    for picture in found:
        spec = picture.chart.properties(width=PICTURE_WIDTH).to_json()
        images.append(Image(picture.question, vl_convert.vegalite_to_png(spec, scale=2), picture.caption))
    return images, ""


def build_report(verdict: Verdict, profile: Profile, pipeline: Any, with_pictures: bool = True) -> Report:
    """Everything a report says about `verdict` (judged from `profile` by `pipeline`)."""
    exam = pipeline.registry.exams.get(verdict.exam)
    name = exam.name if exam else verdict.exam
    elig = verdict.eligibility
    as_of = verdict.as_of
    eligibility = [
        ("Passed", "yes" if elig.passed else "not yet"),
        ("A retake is", "possible" if elig.can_retake else "not possible"),
        ("Attempts used", str(elig.attempts_used)),
        ("Attempts left", "no limit" if elig.attempts_left is None else str(elig.attempts_left)),
        ("Earliest retake", verdict_view.days(elig.earliest_date, as_of) if elig.can_retake
         else "none: a retake is not possible"),
        ("Next deadline", verdict_view.days(elig.deadline, as_of, missing="none recorded")),
    ]
    if verdict.score is not None:
        eligibility.insert(0, ("Score", f"{verdict.score:g}" + (f" (band: {verdict.band.label})" if verdict.band
                                                                 else "")))
    images, note = _pictures(verdict, profile, pipeline) if with_pictures else ([], "")
    target = profile.target
    specialty = pipeline.registry.specialties(target.country).get(target.specialty)
    return Report(
        title=f"Retake Verdict: {name}",
        exam=name,
        authority=exam.authority if exam else "",
        headline=verdict_view.headline(verdict),
        outcome=verdict_view.outcome_line(verdict),
        decided_by=[f"{r.title} ({r.id})" for r in verdict_view.deciding_rules(verdict, pipeline.rules)],
        eligibility=eligibility,
        timeline=_timeline(verdict, profile),
        path=verdict_view.path_lines(verdict),
        actions=[a.text for a in verdict.actions],
        red_flags=[f.text for f in verdict.red_flags],
        reasons=[ReasonLine(r.title, r.text, r.rule, r.source, r.source_title, _effective(r), r.confidence)
                 for r in verdict.reasons],
        notes=list(elig.notes) + list(verdict.notes),
        pictures=images,
        picture_note=note,
        glossary=verdict_view.glossary_for(verdict),
        as_of=as_of,
        rules_version=verdict.rules_version,
        guidance=verdict_view.guidance(exam.authority if exam else None),
        target=f"{specialty.name if specialty else target.specialty} · {target.country} · {target.setting}",
    )


def report_for_profile(data: Profile | Mapping[str, Any], as_of: date, pipeline: Any,
                       with_pictures: bool = True) -> Report:
    """Judge `data` and build its report (raises ProfileError for a bad profile, like `evaluate`)."""
    profile = data if isinstance(data, Profile) else parse_profile(data)
    verdict = pipeline.evaluate(profile, as_of)
    return build_report(verdict, profile, pipeline, with_pictures=with_pictures)


def reason_sources(report: Report) -> Sequence[str]:
    return [r.source for r in report.reasons]
