"""Specialty context: how hard each specialty is for IMGs to enter (0-100, higher is harder).

Core's default is the seed's specialty reality check (section 3), which its author calls a rough
idea rather than data. A plugin may override a specialty for its own country, or add new ones,
through the `retake_register_specialties` hook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.dated_values import Source

SEED = Source("Retake decision framework, section 3 (specialty reality check)", "seed/retake-decision-framework.txt")
HEURISTIC = Source("Retake Verdict heuristic: setting adjustment (see docs/decision-framework.md)", "docs/decision-framework.md")

# A university (academic) program asks more of a score than a community one: the seed places
# "university IM" with the mid-to-high group and community IM with the less competitive one.
SETTING_BUMP = {"community": 0, "any": 0, "university": 15}

# Tiers of the seed's section 3, by index.
TIERS = (("less-competitive", 0, 45), ("mid-to-high", 46, 89), ("ultra-competitive", 90, 100))


@dataclass(frozen=True)
class Specialty:
    id: str
    name: str
    competitiveness: int
    source: Source
    country: str | None = None  # None: the default for every country
    note: str = ""

    def problems(self) -> list[str]:
        found = []
        if not re.match(r"^[a-z][a-z0-9-]*$", self.id):
            found.append(f"specialty id {self.id!r} must be lower-case words joined by dashes")
        if not 0 <= self.competitiveness <= 100:
            found.append(f"specialty {self.id}: competitiveness must be 0-100, not {self.competitiveness}")
        if self.country is not None and not re.match(r"^[A-Z]{2}$", self.country):
            found.append(f"specialty {self.id}: country must be an ISO 3166 alpha-2 code, not {self.country!r}")
        return found


def tier_of(index: int) -> str:
    for name, low, high in TIERS:
        if low <= index <= high:
            return name
    raise ValueError(f"competitiveness index {index} is outside 0-100")


DEFAULT_SPECIALTIES: tuple[Specialty, ...] = (
    Specialty("family-medicine", "Family Medicine", 20, SEED),
    Specialty("internal-medicine", "Internal Medicine", 35, SEED),
    Specialty("psychiatry", "Psychiatry", 40, SEED),
    Specialty("pediatrics", "Pediatrics", 45, SEED),
    Specialty("general-surgery", "General Surgery", 60, SEED),
    Specialty("anesthesiology", "Anesthesiology", 70, SEED),
    Specialty("radiology", "Radiology", 80, SEED),
    Specialty("dermatology", "Dermatology", 95, SEED),
    Specialty("plastic-surgery", "Plastic Surgery", 95, SEED),
    Specialty("otolaryngology", "Otolaryngology (ENT)", 95, SEED),
    Specialty(
        "orthopedic-surgery", "Orthopedic Surgery", 95, SEED,
        note="The seed names orthopedics among the ultra-competitive fields but gives it no index; "
             "it is placed with dermatology, plastics and ENT.",
    ),
)
