"""Adding and updating one case: check the name, validate and judge the profile, store both at once."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any, Mapping

from core.cases.verdict_records import judge_profile, stored_profile
from core.cases.store import Case, CaseError, CaseStore

MAX_NAME = 120


def check_name(name: str) -> str:
    """A case name as stored: trimmed; 1-120 characters; no control characters (they hide in a list)."""
    cleaned = name.strip() if isinstance(name, str) else ""
    if not cleaned:
        raise CaseError("a case needs a name", allowed="1-120 characters, e.g. amira-plab")
    if len(cleaned) > MAX_NAME:
        raise CaseError(f"the name is {len(cleaned)} characters long", allowed=f"at most {MAX_NAME}")
    if any(unicodedata.category(ch).startswith("C") for ch in cleaned):
        raise CaseError("the name contains control characters", allowed="letters, digits, spaces and punctuation")
    return cleaned


def _default_pipeline(pipeline: Any) -> Any:
    if pipeline is not None:
        return pipeline
    from core.pipeline import default_pipeline

    return default_pipeline()


def add_case(store: CaseStore, name: str, profile: Mapping[str, Any], as_of: date, pipeline: Any = None) -> Case:
    """A new case: the profile must validate and be judged (its first verdict is stored with it)."""
    name = check_name(name)
    raw = stored_profile(profile)
    record = judge_profile(_default_pipeline(pipeline), raw, as_of)
    return store.add(name, raw, record)


def update_case(store: CaseStore, name: str, profile: Mapping[str, Any], as_of: date, pipeline: Any = None) -> Case:
    """Replace a case's profile; the new verdict joins its history (old verdicts are kept)."""
    name = check_name(name)
    store.get(name)  # CaseNotFound before the work of judging
    raw = stored_profile(profile)
    record = judge_profile(_default_pipeline(pipeline), raw, as_of)
    return store.update(name, raw, record)
