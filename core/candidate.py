"""The candidate profile: one person, every exam they have sat or still have to sit.

Contract (ARCHITECTURE.md, revised 2026-12): shared `target`, `application` and `exceptions`, and
`exams:` mapping an exam id to that exam's `attempts` (oldest first; an empty list is an exam still
to sit) with optionally its own `plan` and `programs_accept_retakes`.

The one-exam form (`exam` + `attempts` + `plan` + `programs_accept_retakes`) stays valid and means a
one-entry `exams`; it is parsed by `core.profile.parse_profile` exactly as before, so its errors are
unchanged.

Plugins and rules still judge one exam at a time through `core.profile.Profile`: `Candidate.profile`
gives that per-exam view (the exam's own attempts, plan and stance, the shared target, application
and exceptions). Each view is validated as a Profile, so every Profile check applies to every exam;
errors are renamed to the candidate's paths (`exams.plab1.attempts[0].date`).
"""

from __future__ import annotations

from typing import Any, Callable, Hashable, Mapping, Optional, TypeVar

from pydantic import Field, PrivateAttr, ValidationError, field_validator

from core.errors import FieldError, ProfileError
from core.profile import (
    Application, Attempt, Exceptions, Plan, Profile, Stance, Target, _friendly, _Strict, _yes_no, parse_profile,
)

T = TypeVar("T")

MAX_EXAMS = 12
ONE_EXAM_FIELDS = ("exam", "attempts", "plan", "programs_accept_retakes")
CANDIDATE_FIELDS = "target, application, exceptions, exams"
# Fields of a Profile view that come from the exam's own entry (the rest are shared).
_PER_EXAM = ("attempts", "plan", "programs_accept_retakes")


class ExamEntry(_Strict):
    """One exam of the candidate: its sittings (may be empty: still to sit) and its own plan/stance."""

    attempts: list[Attempt] = Field(default_factory=list, max_length=50)
    plan: Optional[Plan] = None
    programs_accept_retakes: Optional[Stance] = None

    _stance = field_validator("programs_accept_retakes", mode="before")(_yes_no)

    @field_validator("attempts")
    @classmethod
    def _oldest_first(cls, attempts: list[Attempt]) -> list[Attempt]:
        # The same check as Profile's, so an unsorted history is reported with the other errors.
        if [a.date for a in attempts] != sorted(a.date for a in attempts):
            raise ValueError("attempts must be listed oldest first")
        return attempts

    @property
    def sat(self) -> bool:
        return bool(self.attempts)


class Candidate(_Strict):
    """A person with every exam they have sat or still have to sit.

    Read by plugins in `retake_assess(..., candidate)`: `candidate.exams[exam_id].attempts`,
    `candidate.attempts_at(exam_id)`, `candidate.has(exam_id)`.
    """

    target: Target
    application: Application = Field(default_factory=Application)
    exceptions: Exceptions = Field(default_factory=Exceptions)
    exams: dict[str, ExamEntry] = Field(min_length=1, max_length=MAX_EXAMS)

    _one_exam: bool = PrivateAttr(default=False)
    _views: dict[str, Profile] = PrivateAttr(default_factory=dict)
    _kept: dict[Hashable, Any] = PrivateAttr(default_factory=dict)

    @field_validator("exams", mode="before")
    @classmethod
    def _exam_ids(cls, value: Any) -> Any:
        # Exam ids are accepted in any case, as in the one-exam form; two spellings of one id clash.
        if not isinstance(value, Mapping):
            return value
        out: dict[Any, Any] = {}
        for key, entry in value.items():
            name = key.strip().lower() if isinstance(key, str) else key
            if name in out:
                raise ValueError(f"exam {name!r} is listed twice")
            out[name] = {} if entry is None else entry
        return out

    # --- what plugins read -------------------------------------------------------------------

    @property
    def one_exam(self) -> bool:
        """True when the profile was written in the one-exam form (`exam` + `attempts`)."""
        return self._one_exam

    @property
    def sat_exams(self) -> list[str]:
        """Exam ids with at least one sitting, in the order the profile lists them."""
        return [exam_id for exam_id, entry in self.exams.items() if entry.attempts]

    @property
    def to_sit(self) -> list[str]:
        """Exam ids listed without sittings: deadlines and earliest dates only, no retake verdict."""
        return [exam_id for exam_id, entry in self.exams.items() if not entry.attempts]

    def has(self, exam_id: str) -> bool:
        return exam_id in self.exams

    def attempts_at(self, exam_id: str) -> list[Attempt]:
        """The sittings at `exam_id`, oldest first; empty when the exam is not listed or not sat yet."""
        entry = self.exams.get(exam_id)
        return list(entry.attempts) if entry is not None else []

    def profile(self, exam_id: str) -> Profile:
        """The one-exam view of `exam_id` that plugins and rules judge (the exam must have sittings)."""
        try:
            return self._views[exam_id]
        except KeyError:
            raise KeyError(f"{exam_id!r} has no sittings in this candidate profile") from None

    def kept(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`, worked out once per candidate and kept under `key` for the next caller.

        For plugins that read another exam's sittings in more than one verdict (the PLAB plugin
        judges the English sittings once, for the English verdict, the PLAB 1 test date and the
        registration day). Keep only what does not depend on the verdict's day, and start the
        key with the plugin's name: `("plab", "english-sittings", exam_id)`. An exception is
        raised to the caller and nothing is kept.
        """
        try:
            return self._kept[key]
        except KeyError:
            value = self._kept[key] = compute()
            return value

    @property
    def profiles(self) -> dict[str, Profile]:
        """Every per-exam view, keyed by exam id, in the profile's order."""
        return dict(self._views)

    # --- building ----------------------------------------------------------------------------

    @classmethod
    def from_profile(cls, profile: Profile) -> "Candidate":
        """The candidate a one-exam profile stands for (its view is the profile itself)."""
        candidate = cls.model_construct(
            target=profile.target, application=profile.application, exceptions=profile.exceptions,
            exams={profile.exam: ExamEntry.model_construct(
                attempts=list(profile.attempts), plan=profile.plan,
                programs_accept_retakes=profile.programs_accept_retakes)},
        )
        candidate._one_exam = True
        candidate._views = {profile.exam: profile}
        return candidate


def _renamed(error: FieldError, exam_id: str) -> FieldError:
    """A Profile view's error under the candidate's path (`attempts[0]` -> `exams.ID.attempts[0]`)."""
    head = error.field.split(".", 1)[0].split("[", 1)[0]
    if head in _PER_EXAM:
        return FieldError(f"exams.{exam_id}.{error.field}", error.message, error.given, error.allowed)
    if head == "exam":
        return FieldError(f"exams.{exam_id}", error.message, error.given, error.allowed)
    return error


def _friendly_candidate(error: dict[str, Any]) -> FieldError:
    loc = tuple(error["loc"])
    if len(loc) >= 3 and loc[0] == "exams":
        inner = _friendly({**error, "loc": loc[2:]}, ExamEntry)
        return FieldError(f"exams.{loc[1]}.{inner.field}", inner.message, inner.given, inner.allowed)
    if len(loc) == 2 and loc[0] == "exams" and error["type"] in ("model_type", "model_attributes_type"):
        return FieldError(f"exams.{loc[1]}", "must be a mapping of that exam's fields",
                          allowed="attempts, plan, programs_accept_retakes")
    found = _friendly(error, Candidate)
    if found.message == "unknown field" and found.field in ONE_EXAM_FIELDS:
        return FieldError(found.field, "belongs to the one-exam form; with exams: put it under the exam "
                          "(exams.ID." + found.field + ")", given=found.given, allowed=CANDIDATE_FIELDS)
    if found.field == "exams" and error["type"] == "too_short":
        return FieldError("exams", "must list at least one exam", allowed="e.g. exams: {plab1: {attempts: [...]}}")
    if found.field == "exams" and error["type"] == "dict_type":
        return FieldError("exams", "must map exam ids to their attempts", allowed="e.g. exams: {plab1: {attempts: [...]}}")
    return found


def _view_data(candidate: Candidate, exam_id: str, entry: ExamEntry) -> dict[str, Any]:
    data: dict[str, Any] = {
        "exam": exam_id, "attempts": entry.attempts, "target": candidate.target,
        "application": candidate.application, "exceptions": candidate.exceptions,
    }
    if entry.plan is not None:
        data["plan"] = entry.plan
    if entry.programs_accept_retakes is not None:
        data["programs_accept_retakes"] = entry.programs_accept_retakes
    return data


def parse_candidate(data: Any) -> Candidate:
    """Validate raw data (either form) into a Candidate.

    The one-exam form goes through `parse_profile` unchanged (same errors, same Profile); the
    `exams:` form is validated here, then every sat exam's view is validated as a Profile. Raises
    ProfileError listing every problem with its field path.
    """
    if not isinstance(data, dict):
        raise ProfileError.single(
            "", f"a profile must be a mapping of fields, not {type(data).__name__}",
            allowed="exam, attempts, ... (one exam) or target, application, exceptions, exams (every exam)",
        )
    if "exams" not in data:
        return Candidate.from_profile(parse_profile(data))
    if "exam" in data:
        raise ProfileError.single(
            "exam", "a profile gives either exam + attempts (one exam) or exams (every exam), not both",
            given=data["exam"] if isinstance(data["exam"], str) else None, allowed="remove exam, or remove exams",
        )
    try:
        candidate = Candidate.model_validate(data)
    except ValidationError as exc:
        raise ProfileError([_friendly_candidate(e) for e in exc.errors()]) from None

    errors: list[FieldError] = []
    views: dict[str, Profile] = {}
    for exam_id, entry in candidate.exams.items():
        if not entry.attempts:
            continue
        try:
            views[exam_id] = Profile.model_validate(_view_data(candidate, exam_id, entry))
        except ValidationError as exc:
            for one in exc.errors():
                renamed = _renamed(_friendly(one, Profile), exam_id)
                if renamed not in errors:  # a shared field's error shows once, not once per exam
                    errors.append(renamed)
    if errors:
        raise ProfileError(errors)
    candidate._views = views
    return candidate


def is_candidate_form(data: Any) -> bool:
    """True when raw profile data uses the `exams:` form."""
    return isinstance(data, dict) and "exams" in data
