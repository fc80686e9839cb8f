"""The profile (input contract), validated with pydantic.

It accepts what people type: YAML's bare yes/no (parsed as booleans), `UK` for `GB`, dates as
strings or YAML dates, exam ids in any case. Anything else unexpected is rejected with the field
path and the allowed values; see `parse_profile`.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.countries import ISO_3166_ALPHA2
from core.errors import FieldError, ProfileError
from core.vocabulary import COUNTRY_ALIASES, Setting, country_code  # noqa: F401 - COUNTRY_ALIASES re-exported (core.scaffold)
from core.vocabulary import AttemptResult as Result

Evidence = Literal["practice-exams", "self-estimate", "none"]
Stance = Literal["yes", "no", "unknown"]
Letters = Literal["weak", "average", "strong"]
Research = Literal["none", "some", "substantial"]
Quality = Literal["weak", "ok", "strong"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _yes_no(value: Any) -> Any:
    # YAML 1.1 reads a bare yes/no as a boolean; the contract spells them as words.
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, str):
        return value.lower()
    return value


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


# Dates people could have sat an exam or plan one: a typo year (1025, 9999) is a field error here,
# not a fault deep inside a plugin's date arithmetic.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2100, 12, 31)


def _strict_number(value: Any) -> Any:
    # YAML/JSON `true` is not a score of 1; numbers written as text (CSV cells) stay accepted.
    if isinstance(value, bool):
        raise ValueError(f"must be a number, not {str(value).lower()}")
    return value


def _strict_boolean(value: Any) -> Any:
    # `1`/`0` are not true/false here: a number in a yes/no field is almost always a column slip.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(f"must be true or false (yes/no), not the number {value!r}")
    return value


def _strict_day(value: Any) -> Any:
    # pydantic reads 0 or 86400 as seconds since 1970: a date is only ever written as a date.
    if isinstance(value, (int, float)):
        raise ValueError(f"must be a date written as YYYY-MM-DD, not the number {value!r}")
    return value


def _sane_day(value: Any) -> Any:
    if isinstance(value, date) and not EARLIEST_DAY <= value <= LATEST_DAY:
        raise ValueError(f"{value.isoformat()} is outside {EARLIEST_DAY.year}-{LATEST_DAY.year} (a typo in the year?)")
    return value


class Attempt(_Strict):
    date: date
    score: Optional[float] = None
    result: Optional[Result] = None
    pass_mark: Optional[float] = None
    parts: Optional[dict[str, Union[float, str]]] = None
    result_date: Optional[date] = None

    _lower_result = field_validator("result", mode="before")(_lower)
    _numbers = field_validator("score", "pass_mark", mode="before")(_strict_number)
    _days = field_validator("date", "result_date", mode="before")(_strict_day)
    _sane_days = field_validator("date", "result_date")(_sane_day)

    @field_validator("parts", mode="before")
    @classmethod
    def _part_numbers(cls, value: Any) -> Any:
        if isinstance(value, dict):
            for name, part in value.items():
                if isinstance(part, bool):
                    raise ValueError(f"part {name!r} must be a number or a grade, not {str(part).lower()}")
        return value

    @field_validator("score", "pass_mark")
    @classmethod
    def _finite(cls, value: Optional[float]) -> Optional[float]:
        if value is not None and (value != value or value in (float("inf"), float("-inf"))):
            raise ValueError("must be a finite number")
        return value


class Target(_Strict):
    country: str
    specialty: str
    setting: Setting = "any"

    @field_validator("country", mode="before")
    @classmethod
    def _country(cls, value: Any) -> Any:
        if value is False:
            return "NO"  # YAML 1.1 reads a bare NO (Norway) as false
        if isinstance(value, str):
            code = country_code(value)
            if code not in ISO_3166_ALPHA2:
                raise ValueError("must be a two-letter ISO 3166 country code such as US, GB (or UK), CA")
            return code
        return value

    _lower_specialty = field_validator("specialty", "setting", mode="before")(_lower)


class Plan(_Strict):
    predicted_score: Optional[float] = None
    evidence: Evidence = "none"
    months_to_application: Optional[int] = Field(default=None, ge=0, le=120)
    prep_months: int = Field(default=4, ge=1, le=36)

    _lower_evidence = field_validator("evidence", mode="before")(_lower)
    _numbers = field_validator("predicted_score", "months_to_application", "prep_months", mode="before")(_strict_number)


class Application(_Strict):
    clinical_experience_months: int = Field(default=0, ge=0, le=600)
    postgraduate_qualification: bool = False
    letters: Letters = "average"
    research: Research = "none"
    specialty_commitment: bool = True
    personal_statement: Quality = "ok"
    interview: Quality = "ok"

    _lower_words = field_validator("letters", "research", "personal_statement", "interview", mode="before")(_lower)
    _numbers = field_validator("clinical_experience_months", mode="before")(_strict_number)
    _booleans = field_validator("postgraduate_qualification", "specialty_commitment", mode="before")(_strict_boolean)


class Exceptions(_Strict):
    time_limit_expired: bool = False

    _booleans = field_validator("time_limit_expired", mode="before")(_strict_boolean)


class Profile(_Strict):
    exam: str
    attempts: list[Attempt] = Field(min_length=1, max_length=50)
    target: Target
    plan: Plan = Field(default_factory=Plan)
    programs_accept_retakes: Stance = "unknown"
    application: Application = Field(default_factory=Application)
    exceptions: Exceptions = Field(default_factory=Exceptions)

    _lower_exam = field_validator("exam", mode="before")(_lower)
    _stance = field_validator("programs_accept_retakes", mode="before")(_yes_no)

    @field_validator("attempts")
    @classmethod
    def _oldest_first(cls, attempts: list[Attempt]) -> list[Attempt]:
        days = [a.date for a in attempts]
        if days != sorted(days):
            raise ValueError("attempts must be listed oldest first")
        return attempts

    @property
    def latest(self) -> Attempt:
        return self.attempts[-1]


def _field_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path


def _allowed_for(error: dict[str, Any]) -> str:
    ctx = error.get("ctx") or {}
    if "expected" in ctx:
        return str(ctx["expected"]).replace("'", "")
    kind = error["type"]
    if kind.startswith("date"):
        return "a date as YYYY-MM-DD"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        return "a number"
    if kind in ("bool_parsing", "bool_type"):
        return "true or false (yes/no)"
    if kind == "greater_than_equal":
        return f"a number >= {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"a number <= {ctx.get('le')}"
    return ""


def _friendly(error: dict[str, Any], model: type[BaseModel]) -> FieldError:
    path = _field_path(error["loc"])
    kind = error["type"]
    given = error.get("input")
    if kind == "extra_forbidden":
        parent = _model_at(model, error["loc"][:-1])
        known = ", ".join(parent.model_fields) if parent else ""
        return FieldError(path, "unknown field", given=error["loc"][-1], allowed=known)
    if kind == "missing":
        return FieldError(path, "is required", allowed=_describe_type(model, error["loc"]))
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    return FieldError(path, message, given=given if _is_scalar(given) else None, allowed=_allowed_for(error))


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool, date))


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """Walk field names (skipping list indexes) down to the nested model at `loc`."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field_info = getattr(current, "model_fields", {}).get(part)
        if field_info is None:
            return None
        annotation = field_info.annotation
        args = getattr(annotation, "__args__", ())
        candidates = [annotation, *args]
        current = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
        if current is None:
            return None
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _describe_type(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    parent = _model_at(model, loc[:-1])
    if parent is None:
        return ""
    field_info = parent.model_fields.get(str(loc[-1]))
    if field_info is None:
        return ""
    args = getattr(field_info.annotation, "__args__", ())
    if args and all(isinstance(a, str) for a in args):
        return " | ".join(args)
    return ""


def parse_profile(data: Any) -> Profile:
    """Validate raw data (from YAML, JSON, a CSV row or a form) into a Profile.

    Raises ProfileError listing every problem, each with its field path and the allowed values.
    """
    if not isinstance(data, dict):
        raise ProfileError.single(
            "", f"a profile must be a mapping of fields, not {type(data).__name__}",
            allowed="exam, attempts, target, plan, programs_accept_retakes, application, exceptions",
        )
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError([_friendly(e, Profile) for e in exc.errors()]) from None
