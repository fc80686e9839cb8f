"""NRMP outcome data for non-US IMGs, read from the data file shipped in this package.

The figures are context beside a verdict (year and source shown), never a probability: NRMP says
its Charting Outcomes data "is not designed to predict success or failure". Next year's report is
one file to replace (`data/nrmp-<year>-step2ck.csv`, see `data/README.md`) plus the constants here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from core.dated_values import Source

REPORT_YEAR = 2026
DATA_FILE = "nrmp-2026-step2ck.csv"
SOURCE = Source(
    "NRMP Charting Outcomes: Characteristics of Non-U.S. IMGs Who Matched to Their Preferred Specialty, "
    "2026 Main Residency Match (July 2026); figures via a cross-checked public extraction, not yet checked "
    "against the PDF", "https://www.nrmp.org/wp-content/uploads/2026/07/Non-US-IMG_Charting-Outcomes_FINAL.pdf")
CONFIDENCE = "medium"  # policies.md: "confidence medium until checked against the PDF page"

# Main Residency Match rates for non-US IMGs, by Match year (NRMP, primary; policies.md revised 2026-12-01).
MATCH_RATES = {2025: "58.0%", 2024: "58.5%", 2023: "59.4%"}
MATCHED_2025, APPLICANTS_2025 = "6,653", "11,465"
US_CITIZEN_IMG_RATE_2025 = "67.8%"
MATCH_RATE_SOURCE = Source("NRMP Main Residency Match results and data: match rates of non-US IMGs (2023-2025) and "
                           "US-citizen IMGs (2025)", "https://www.nrmp.org/match-data-analytics/")

# Medians this close (in Step 2 CK points) are read as "about equal": Family Medicine (230 vs 231)
# and Diagnostic Radiology (250 vs 251) in 2026. Project reading of the data, kept here as data.
SAME_MEDIAN_POINTS = 1


@dataclass(frozen=True)
class Step2ckOutcome:
    """One specialty's row: Step 2 CK of non-US IMGs who preferred it, matched vs not matched."""

    specialty_id: str
    nrmp_specialty: str
    matched_median: int
    matched_q1: int | None
    matched_q3: int | None
    unmatched_median: int
    unmatched_q1: int | None
    unmatched_q3: int | None
    preferring: int | None
    matched: int | None

    @property
    def medians_about_equal(self) -> bool:
        return abs(self.matched_median - self.unmatched_median) <= SAME_MEDIAN_POINTS


def _int(text: str) -> int | None:
    return int(text) if text.strip() else None


def parse(text: str) -> dict[str, Step2ckOutcome]:
    """Rows by NRMP specialty name; `#` lines are the file's header notes."""
    lines = [line for line in io.StringIO(text) if not line.startswith("#")]
    rows = {}
    for raw in csv.DictReader(lines):
        row = Step2ckOutcome(
            specialty_id=raw["specialty_id"].strip(), nrmp_specialty=raw["nrmp_specialty"].strip(),
            matched_median=int(raw["matched_median"]), matched_q1=_int(raw["matched_q1"]),
            matched_q3=_int(raw["matched_q3"]), unmatched_median=int(raw["unmatched_median"]),
            unmatched_q1=_int(raw["unmatched_q1"]), unmatched_q3=_int(raw["unmatched_q3"]),
            preferring=_int(raw["preferring"]), matched=_int(raw["matched"]),
        )
        rows[row.nrmp_specialty] = row
    return rows


@lru_cache(maxsize=1)
def outcomes() -> dict[str, Step2ckOutcome]:
    """Every row of the shipped data file, by NRMP specialty name (read once per process)."""
    text = resources.files("plugins.usmle").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    return parse(text)


def for_specialty(specialty_id: str) -> Step2ckOutcome | None:
    """The row for a `retake specialties` id (None: the report gives no row for it here)."""
    return next((row for row in outcomes().values() if row.specialty_id == specialty_id), None)


def context_fact(specialty_id: str, score: float | None) -> dict | None:
    """The engine fact the context rules read, or None when the data has no row for the target."""
    row = for_specialty(specialty_id)
    if row is None:
        return None
    overall = outcomes().get("All specialties")
    return {
        "t": "usmle.nrmp", "year": REPORT_YEAR, "specialty": row.nrmp_specialty,
        "matched_median": row.matched_median, "matched_iqr": f"{row.matched_q1}-{row.matched_q3}",
        "unmatched_median": row.unmatched_median, "unmatched_iqr": f"{row.unmatched_q1}-{row.unmatched_q3}",
        "preferring": f"{row.preferring:,}" if row.preferring else "", "matched": f"{row.matched:,}" if row.matched else "",
        "same_medians": row.medians_about_equal,
        "all_matched_median": overall.matched_median if overall else 0,
        "all_unmatched_median": overall.unmatched_median if overall else 0,
        "has_score": score is not None, "score": score if score is not None else 0,
    }
