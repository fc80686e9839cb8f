"""Generated profiles for benchmarks and load tests: valid, varied, across every loaded exam.

Each exam starts from the contract kit's sample histories (a first-attempt pass, one fail, a fail
then a pass, a strong predicted retake, attempts exhausted), which every plugin must accept. The
generator then varies what a cohort varies: target specialty and setting, the plan (predicted
score, evidence, timeline), the programs' stance and the rest of the application. Every profile
is checked once through the pipeline; the few a plugin rejects are dropped, so the pool is valid.

Deterministic: the same seed, pipeline and day give the same pool.
"""

from __future__ import annotations

import copy
import random
from datetime import date
from typing import Any, Iterator

from core.errors import ProfileError
from core.testing.samples import sample_profiles

EVIDENCE = ("practice-exams", "self-estimate", "none")
STANCES = ("yes", "no", "unknown")
SETTINGS = ("community", "university", "any")
LETTERS = ("weak", "average", "strong")
RESEARCH = ("none", "some", "substantial")
QUALITY = ("weak", "ok", "strong")


def _vary(base: dict[str, Any], exam: Any, specialties: list[str], as_of: date, rng: random.Random) -> dict[str, Any]:
    profile = copy.deepcopy(base)
    profile["target"] = dict(profile["target"], specialty=rng.choice(specialties), setting=rng.choice(SETTINGS))
    plan: dict[str, Any] = {"evidence": rng.choice(EVIDENCE), "prep_months": rng.randint(1, 9)}
    if rng.random() < 0.85:
        plan["months_to_application"] = rng.randint(0, 24)
    scale = exam.scale_on(as_of)
    latest = profile["attempts"][-1]
    if scale is not None and "score" in latest and rng.random() < 0.8:
        spread = (scale.high - scale.low) * 0.25
        predicted = latest["score"] + rng.uniform(-0.2 * spread, spread)
        predicted = min(max(predicted, scale.low), scale.high)
        plan["predicted_score"] = float(round(predicted))
    profile["plan"] = plan
    profile["programs_accept_retakes"] = rng.choice(STANCES)
    profile["application"] = {
        "clinical_experience_months": rng.randint(0, 24),
        "postgraduate_qualification": rng.random() < 0.2,
        "letters": rng.choice(LETTERS), "research": rng.choice(RESEARCH),
        "specialty_commitment": rng.random() < 0.8,
        "personal_statement": rng.choice(QUALITY), "interview": rng.choice(QUALITY),
    }
    return profile


def _valid(pipeline: Any, profile: dict[str, Any], as_of: date) -> bool:
    try:
        pipeline.evaluate(profile, as_of)
    except ProfileError:
        return False
    return True


def _part_scored(bases: list[dict[str, Any]], exam: Any, as_of: date, rng: random.Random) -> list[dict[str, Any]]:
    """Histories for exams judged on sub-scores (e.g. IELTS bands): every part given, no pass mark."""
    out = []
    for base in bases:
        profile = copy.deepcopy(base)
        for attempt in profile["attempts"]:
            attempt.pop("pass_mark", None)
            scale = exam.scale_on(date.fromisoformat(attempt["date"]))
            if scale is None or not exam.parts:
                continue
            overall = round(rng.uniform(scale.low + 0.5 * (scale.high - scale.low), scale.high) * 2) / 2
            attempt["score"] = overall
            attempt["parts"] = {part: max(scale.low, overall - rng.choice((0, 0.5, 1.0))) for part in exam.parts}
            attempt.pop("result", None)
        out.append(profile)
    return out


def profile_pool(pipeline: Any, as_of: date, size: int = 2_000, seed: int = 7) -> list[dict[str, Any]]:
    """`size` distinct valid profiles, spread evenly over the pipeline's exams."""
    rng = random.Random(seed)
    registry = pipeline.registry
    exams = [registry.exams[exam_id] for exam_id in sorted(registry.exams)]
    per_exam = max(1, size // max(1, len(exams)))
    pool: list[dict[str, Any]] = []
    for exam in exams:
        specialties = sorted(registry.specialties(exam.country)) or ["internal-medicine"]
        bases = [s.profile for s in sample_profiles(exam, as_of, specialties[0], exam.country)]
        if not any(_valid(pipeline, b, as_of) for b in bases):
            bases = _part_scored(bases, exam, as_of, rng)
        made, tries = 0, 0
        while made < per_exam and tries < per_exam * 4:
            tries += 1
            candidate = _vary(rng.choice(bases), exam, specialties, as_of, rng)
            try:
                pipeline.evaluate(candidate, as_of)
            except ProfileError:
                continue
            pool.append(candidate)
            made += 1
    rng.shuffle(pool)
    return pool


def cycle(pool: list[dict[str, Any]], count: int) -> Iterator[dict[str, Any]]:
    """`count` profiles taken round-robin from the pool."""
    for index in range(count):
        yield pool[index % len(pool)]
