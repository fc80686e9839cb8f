"""The candidate's verdict: one Verdict per exam with sittings, and one timeline across every exam.

    from core.candidate_verdict import evaluate_candidate
    result = evaluate_candidate(raw_or_parsed_profile, as_of)      # either profile form
    result.to_json_dict()   # one-exam profile: the Verdict object, exactly as `retake decide --json`
                            # several exams: {"as_of", "verdicts": {exam id: Verdict}, "timeline", "rules_version"}

Every exam with sittings is judged by the same pipeline step as a one-exam profile, with the whole
candidate handed to the plugins (`retake_assess(..., candidate)`), so rules across exams fire in
the verdict of the exam they affect. Exams listed without sittings get no verdict: they appear in
the timeline through the deadlines and earliest dates the other exams' plugins give for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping

from core.candidate import Candidate, _renamed, parse_candidate
from core.errors import FieldError, ProfileError
from core.exams import Assessment
from core.profile import Profile
from core.timeline import Event, build_timeline
from core.verdict import Verdict


@dataclass
class CandidateVerdict:
    """What `retake decide` prints for a candidate. `verdicts` keeps the profile's exam order."""

    as_of: date
    candidate: Candidate
    verdicts: dict[str, Verdict]
    assessments: dict[str, Assessment]
    timeline: list[Event]
    rules_version: str
    to_sit: list[str] = field(default_factory=list)

    @property
    def single(self) -> Verdict | None:
        """The one Verdict when the profile is about one exam (either form), else None."""
        if len(self.candidate.exams) == 1 and len(self.verdicts) == 1:
            return next(iter(self.verdicts.values()))
        return None

    def to_json_dict(self) -> dict[str, Any]:
        one = self.single
        if one is not None:
            return one.to_json_dict()
        return {
            "as_of": self.as_of.isoformat(),
            "verdicts": {exam_id: verdict.to_json_dict() for exam_id, verdict in self.verdicts.items()},
            "timeline": [event.to_dict() for event in self.timeline],
            "rules_version": self.rules_version,
        }


def _errors_under(exc: ProfileError, exam_id: str, candidate: Candidate) -> list[FieldError]:
    # A one-exam profile keeps its paths (attempts[0].score); a candidate names the exam (exams.ID.…).
    if candidate.one_exam:
        return list(exc.errors)
    return [_renamed(one, exam_id) for one in exc.errors]


def evaluate_candidate(profile: Candidate | Profile | Mapping[str, Any], as_of: date,
                       pipeline: Any = None) -> CandidateVerdict:
    """Judge every exam of the candidate on `as_of`. Raises ProfileError naming every bad field."""
    if pipeline is None:
        from core.pipeline import default_pipeline

        pipeline = default_pipeline()
    if isinstance(profile, Candidate):
        candidate = profile
    elif isinstance(profile, Profile):
        candidate = Candidate.from_profile(profile)
    else:
        candidate = parse_candidate(profile)

    errors: list[FieldError] = []
    for exam_id in candidate.to_sit:
        try:
            pipeline.registry.exam(exam_id)
        except ProfileError as exc:
            errors += [FieldError(f"exams.{exam_id}", e.message, e.given, e.allowed) for e in exc.errors]

    verdicts: dict[str, Verdict] = {}
    assessments: dict[str, Assessment] = {}
    for exam_id in candidate.sat_exams:
        view = candidate.profile(exam_id)
        try:
            verdict, assessment = pipeline.evaluate_with_assessment(view, as_of, candidate=candidate)
        except ProfileError as exc:
            errors += [e for e in _errors_under(exc, exam_id, candidate) if e not in errors]
            continue
        verdicts[exam_id], assessments[exam_id] = verdict, assessment
    if errors:
        raise ProfileError(errors)

    timeline = build_timeline(((assessments[e], candidate.profile(e)) for e in assessments), as_of)
    return CandidateVerdict(as_of=as_of, candidate=candidate, verdicts=verdicts, assessments=assessments,
                            timeline=timeline, rules_version=pipeline.rules_version, to_sit=candidate.to_sit)


def verdicts_for_batch(raw: Any, as_of: date, pipeline: Any = None) -> list[tuple[str, Verdict | None]]:
    """For `core.batch`: one (exam id, Verdict) per exam the row lists, in the profile's order.

    An exam listed without sittings gives (exam id, None): still to sit, no verdict. A one-exam
    row gives one pair whose Verdict is exactly `Pipeline.evaluate`'s. Raises ProfileError for the
    whole row (its errors name `exams.ID.…` fields), so the caller writes one error row: no input
    row is ever lost, and every output row carries its input row number.
    """
    result = evaluate_candidate(raw, as_of, pipeline)
    return [(exam_id, result.verdicts.get(exam_id)) for exam_id in result.candidate.exams]
