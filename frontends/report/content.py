"""What a report says, as plain data (strings, dates, PNG bytes): built once, laid out twice."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping, Sequence

from core.profile import Profile, parse_profile
from core.timeline import to_sit_limits
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
    decision: str = ""        # the verdict's decision id (a style hook for its label)
    decision_label: str = ""  # its words, from core (DECISION_TEXT)
    detail: str = ""          # the headline's own words, without the label in front
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
    label, detail = verdict_view.decision_and_detail(verdict)
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
        decision=verdict.decision,
        decision_label=label,
        detail=detail,
    )


def report_for_profile(data: Profile | Mapping[str, Any], as_of: date, pipeline: Any,
                       with_pictures: bool = True) -> Report:
    """Judge `data` and build its report (raises ProfileError for a bad profile, like `evaluate`)."""
    profile = data if isinstance(data, Profile) else parse_profile(data)
    verdict = pipeline.evaluate(profile, as_of)
    return build_report(verdict, profile, pipeline, with_pictures=with_pictures)


def reason_sources(report: Report) -> Sequence[str]:
    return [r.source for r in report.reasons]


@dataclass
class TimelineLine:
    day: date
    when: str  # the date with the days left, in words
    exam: str
    what: str
    source: str = ""


@dataclass
class SummaryLine:
    """One exam's line in the candidate report's opening: its name, decision label and headline words."""

    exam: str
    decision: str  # the decision id, or "to_sit" for an exam with no sittings
    label: str
    detail: str


@dataclass
class CandidateReport:
    """A multi-exam candidate's report: one section per exam judged (the one-exam report's content)
    and the timeline across every exam, with its picture when the renderer is installed. The glossary
    is the candidate's, given once at the end (the sections' terms, in the glossary's order)."""

    title: str
    summary: list[SummaryLine]  # every exam, in the profile's order
    sections: list[Report]
    to_sit: list[str]
    timeline: list[TimelineLine]
    timeline_picture: Image | None
    as_of: date
    rules_version: str
    guidance: str
    target: str = ""
    picture_note: str = ""
    glossary: list[tuple[str, str]] = field(default_factory=list)


def _timeline_picture(result: Any, names: dict[str, str]) -> tuple[Image | None, str]:
    if not result.timeline:
        return None, ""
    try:
        import vl_convert
    except ImportError:
        return None, "The timeline picture is left out: vl-convert-python is not installed."
    chart = charts.timeline_chart(result.timeline, result.as_of, names)
    spec = chart.properties(width=PICTURE_WIDTH).to_json()
    return (Image("What happens when, across your exams", vl_convert.vegalite_to_png(spec, scale=2),
                  "One row per dated event; the dashed line is the as-of day. A square already left of it "
                  "is a limit that has passed."), "")


def build_candidate_report(result: Any, pipeline: Any, with_pictures: bool = True) -> CandidateReport:
    """The report for a CandidateVerdict with several exams (`core.candidate_verdict.evaluate_candidate`)."""
    registry = pipeline.registry

    def name(exam_id: str) -> str:
        spec = registry.exams.get(exam_id)
        return spec.name if spec else exam_id

    sections = {exam_id: build_report(verdict, result.candidate.profile(exam_id), pipeline,
                                      with_pictures=with_pictures)
                for exam_id, verdict in result.verdicts.items()}
    order = list(result.candidate.exams)
    names = {exam_id: name(exam_id) for exam_id in order + list(result.verdicts) + list(result.to_sit)}
    names |= {e.exam: name(e.exam) for e in result.timeline}
    summary = []
    for exam_id in order:
        section = sections.get(exam_id)
        if section is not None:
            summary.append(SummaryLine(section.exam, section.decision, section.decision_label, section.detail))
            continue
        _, passed = to_sit_limits(result.timeline, exam_id)
        detail = verdict_view.TO_SIT_DETAIL
        if passed is not None:  # e.g. USMLE Step 3, closed once another Step reached its attempt limit
            detail += f" A limit passed on {passed.date.isoformat()}: {passed.text}"
        summary.append(SummaryLine(names[exam_id], "to_sit", verdict_view.TO_SIT_LABEL, detail))
    terms = {term for s in sections.values() for term, _ in s.glossary}
    if any(e.kind == "deadline" for e in result.timeline):
        terms.add("Deadline")
    timeline = [TimelineLine(e.date, verdict_view.days(e.date, result.as_of), names[e.exam], e.text, e.source or "")
                for e in result.timeline]
    picture, note = _timeline_picture(result, names) if with_pictures else (None, "")
    target = next(iter(sections.values())).target if sections else ""
    return CandidateReport(
        title="Retake Verdict: " + ", ".join(names[e] for e in order),
        summary=summary,
        sections=[sections[e] for e in order if e in sections],
        to_sit=[names[e] for e in result.to_sit],
        glossary=[(term, words) for term, words in verdict_view.GLOSSARY.items() if term in terms],
        timeline=timeline,
        timeline_picture=picture,
        picture_note=note,
        as_of=result.as_of,
        rules_version=result.rules_version,
        guidance=verdict_view.guidance(),
        target=target,
    )


def any_report_for(data: Mapping[str, Any], as_of: date, pipeline: Any,
                   with_pictures: bool = True) -> Report | CandidateReport:
    """The report for either profile form: a candidate with several exams gets the candidate report,
    a one-exam profile (either form) the one-exam report."""
    from core.candidate import is_candidate_form

    if not is_candidate_form(data):
        return report_for_profile(data, as_of, pipeline, with_pictures=with_pictures)
    from core.candidate_verdict import evaluate_candidate

    result = evaluate_candidate(data, as_of, pipeline)
    one = result.single
    if one is not None:
        return build_report(one, result.candidate.profile(one.exam), pipeline, with_pictures=with_pictures)
    return build_candidate_report(result, pipeline, with_pictures=with_pictures)
