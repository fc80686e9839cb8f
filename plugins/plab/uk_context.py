"""UK context beside a PLAB verdict: competition ratios and the 2026 prioritisation of UK graduates.

Context, never a probability: a ratio says how many applied per post in one recruitment year, not
the chance that one person gets a post. Each figure keeps its year, its source and the confidence
shared/policies.md gives it (revised 2026-12-01); next year's figures are rows to replace here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.dated_values import Source

RATIOS_2024 = Source("NHS England specialty recruitment competition ratios 2024, via specialty-applications.co.uk "
                     "(secondary)", "https://www.specialty-applications.co.uk/")
PSYCHIATRY_2025 = Source("BMJ, 2025: core psychiatry training about 22 applicants per post (secondary)",
                         "https://www.bmj.com/")
PRIORITISATION = Source("Medical Training (Prioritisation) Act 2026 (Royal Assent March 2026), from secondary text: "
                        "UK graduates and settled applicants first for 2026 offers and for interviews from 2027; "
                        "re-check the Act at legislation.gov.uk", "https://www.legislation.gov.uk/")
# Royal Assent in March 2026 (the day is not recorded in our sources): the rule takes part from the
# first day by which the Act had certainly received it.
PRIORITISATION_FROM = date(2026, 4, 1)
PRIORITISATION_CONFIDENCE = "medium"


@dataclass(frozen=True)
class CompetitionRatio:
    """Applicants per post for one UK training programme in one recruitment year."""

    specialty_id: str   # the `retake specialties --country GB` id
    programme: str      # the UK programme the ratio is for
    year: int
    ratio: float        # applicants per post
    approximate: bool
    source: Source
    confidence: str

    @property
    def text(self) -> str:
        return f"{'about ' if self.approximate else ''}{self.ratio:g} applicants per post"


RATIOS = (
    CompetitionRatio("internal-medicine", "Internal Medicine Training (IMT)", 2024, 3.69, False, RATIOS_2024, "medium"),
    CompetitionRatio("general-surgery", "Core Surgical Training (CST)", 2024, 5.25, False, RATIOS_2024, "medium"),
    CompetitionRatio("family-medicine", "GP specialty training", 2024, 2.67, False, RATIOS_2024, "medium"),
    CompetitionRatio("psychiatry", "core psychiatry training", 2025, 22, True, PSYCHIATRY_2025, "medium"),
)


def ratio_for(specialty_id: str) -> CompetitionRatio | None:
    return next((r for r in RATIOS if r.specialty_id == specialty_id), None)
