"""MCC (Canada) policy values: every number dated and sourced (see shared/policies.md).

Dates chosen where the sources give only a month:
- The 100-400 scale (pass 226, mean 250, SD 30) is taken to apply to sittings from 2018-06-01 up
  to and including 2024-10-31 (policies.md: "2018-06 to 2024-10").
- The 300-600 scale (pass 439, mean 450, SD 30) applies from 2025-04-01, so every sitting of
  the April 2025 session falls under it.
- Between the two (2024-11-01 to 2025-03-31) no MCCQE Part I session is recorded here. A score
  dated in that gap is refused (which scale would it be on?); a result without a score is
  accepted, and the verdict notes that the date is unusual.
"""

from __future__ import annotations

from datetime import date

from dataclasses import dataclass

from core.dated_values import Dated, DatedValues, Source
from core.exams import Band, PoliciesChecked, Scale

MCC = "https://mcc.ca"
PART1_ELIGIBILITY = Source("MCC: MCCQE Part I eligibility and application (attempts, waiting, no retake after a pass)",
                           f"{MCC}/examinations-assessments/mccqe-part-i/eligibility-and-application/")
PART1_RESULTS = Source("MCC: MCCQE Part I results and scoring (scale, pass score, mean and SD)",
                       f"{MCC}/examinations-assessments/mccqe-part-i/results/")
PART1_NEW_SCALE = Source("MCC news and results pages: MCCQE Part I 300-600 scale, pass score 439, from the April "
                         "2025 session (numbers also on secondary pages)", f"{MCC}/news/")
RESULT_TIMING = Source("MCC: MCCQE Part I scheduling (session dates; results about 8 weeks after each session's "
                       "last day, 6 for August-September 2024, 12 for April 2025)",
                       f"{MCC}/examinations-assessments/mccqe-part-i/scheduling/")
NAC_RESULTS = Source("MCC: NAC examination results (three attempts, no consecutive sessions, "
                     "latest result valid)", f"{MCC}/examinations-assessments/nac-examination/results/")
NAC_SCALE = Source("CaRMS help pages: NAC score scale (changed several times; current pass score unconfirmed)",
                   "https://www.carms.ca/")
NAC_SESSIONS = Source("MCC: NAC examination scheduling (twice a year, typically May and September from 2023; "
                      "March and September before)", f"{MCC}/examinations-assessments/nac-examination/scheduling/")
NAC_ELIGIBILITY = Source("MCC: NAC examination eligibility and application (no retake in consecutive sessions)",
                         f"{MCC}/examinations-assessments/nac-examination/eligibility-and-application/")
PART2_END = Source("MCCQE Part II discontinued in June 2021; LMCC via Part I plus 12 months of postgraduate "
                   "training (residentdoctors.ca; secondary pages)", "https://residentdoctors.ca/")
CARMS = Source("MCC: CaRMS and MCC exams (IMGs supply MCCQE Part I and NAC results; programs set criteria)",
               f"{MCC}/carms/")
CARMS_STATS = Source("CaRMS R-1 match reports: 851 IMGs matched in the 2025 R-1 main match (671 in 2024, 555 in "
                     "2023); IMG first-attempt match rate about 14% (2019)", "https://www.carms.ca/data-reports/r1-data-reports/")
# CaRMS R-1 main match, IMGs matched, by match year (CaRMS, primary; policies.md revised 2026-12-01).
CARMS_IMGS_MATCHED = {2025: 851, 2024: 671, 2023: 555}
CARMS_LATEST_YEAR = max(CARMS_IMGS_MATCHED)
HEURISTIC = Source("Retake Verdict heuristic: MCCQE Part I bands by SDs from the cohort mean, Canadian "
                   "specialty indices (plugins/mccqe/policy.py)", "plugins/mccqe/policy.py")

# --- MCCQE Part I ------------------------------------------------------------------------------

ATTEMPTS_COUNT_FROM = date(2018, 1, 1)  # attempts before 2018 do not count
PART1_ATTEMPTS = DatedValues.constant(4, PART1_ELIGIBILITY, since=ATTEMPTS_COUNT_FROM, name="MCCQE Part I attempt limit")
PART1_COUNTED = ("pass", "fail", "denied_standing", "incomplete")  # "No Standing" does not count; starting counts
FOURTH_ATTEMPT_WAIT_YEARS = DatedValues.constant(
    1, PART1_ELIGIBILITY, since=ATTEMPTS_COUNT_FROM, name="MCCQE Part I wait before the 4th attempt",
    note="One year from receiving the third result; it cannot be shortened.")
RESULT_DELAY_WEEKS = DatedValues.constant(
    8, RESULT_TIMING, name="weeks from a session's last day to its results",
    note="Used only when attempts[i].result_date is missing, for sessions without their own delay.")


@dataclass(frozen=True)
class Session:
    """One MCCQE Part I session as the MCC's scheduling page lists it (both days inclusive)."""

    first: date
    last: date
    result_weeks: int = 8

    def holds(self, day: date) -> bool:
        return self.first <= day <= self.last


# The sessions the MCC's scheduling page lists (read 2026-12-01; "dates are subject to change").
# Results come about 8 weeks after the session's LAST day, not the candidate's own sitting.
PART1_SESSIONS = (
    Session(date(2024, 1, 24), date(2024, 2, 21)),
    Session(date(2024, 4, 17), date(2024, 5, 22)),
    Session(date(2024, 8, 21), date(2024, 9, 18), result_weeks=6),
    Session(date(2024, 10, 16), date(2024, 11, 20)),
    Session(date(2025, 4, 9), date(2025, 5, 21), result_weeks=12),
    Session(date(2025, 8, 19), date(2025, 9, 11)),
    Session(date(2025, 10, 1), date(2025, 10, 22)),
)
# For a sitting outside the listed sessions, the session's last day is unknown: it is assumed to
# fall this many days after the sitting (the longest listed session, April-May 2025, runs 42
# days), so an assumed earliest 4th attempt errs late rather than early.
UNLISTED_SESSION_DAYS = 42

OLD_FROM, GAP_FROM, NEW_FROM = date(2018, 6, 1), date(2024, 11, 1), date(2025, 4, 1)
OLD_SCALE, NEW_SCALE = Scale(100, 400), Scale(300, 600)
PART1_SCALE = DatedValues.of(
    Dated(OLD_SCALE, OLD_FROM, PART1_RESULTS, note="Day approximate: policies.md gives 2018-06"),
    Dated(None, GAP_FROM, PART1_RESULTS, note="No session recorded between the scales"),
    Dated(NEW_SCALE, NEW_FROM, PART1_NEW_SCALE, confidence="medium-high", note="From the April 2025 session"),
    name="MCCQE Part I scale",
)
PART1_PASS = DatedValues.of(
    Dated(226.0, OLD_FROM, PART1_RESULTS),
    Dated(439.0, NEW_FROM, PART1_NEW_SCALE, confidence="medium-high"),
    name="MCCQE Part I pass score",
)
# Cohort mean and standard deviation each scale was built on.
PART1_COHORT = DatedValues.of(
    Dated((250.0, 30.0), OLD_FROM, PART1_RESULTS),
    Dated((450.0, 30.0), NEW_FROM, PART1_NEW_SCALE, confidence="medium-high"),
    name="MCCQE Part I cohort mean and SD",
)

# A retake worth the name moves a score by a standard deviation (30 points on either scale);
# a third of one is within what the MCC warns not to over-read. Heuristics.
BIG_GAIN_SD, SMALL_GAIN_SD = 1.0, 1 / 3


def sd_bands(scale: Scale, pass_score: float, mean: float, sd: float) -> tuple[Band, ...]:
    """Bands by distance from the cohort mean, in SDs (cut points: the pass score, the mean, +1 SD)."""
    z_pass = (pass_score - mean) / sd
    note = f"Scale {scale}, pass {pass_score:g}, cohort mean {mean:g}, SD {sd:g}."
    return (
        Band("below-pass", f"below the pass score ({z_pass:+.2f} SD or less)", scale.low, pass_score - 1, rank=0,
             fits_up_to=0, source=HEURISTIC, heuristic=True, note=note),
        Band("below-mean", f"pass, below the cohort mean ({z_pass:+.2f} to 0 SD)", pass_score, mean - 1, rank=1,
             fits_up_to=45, source=HEURISTIC, heuristic=True,
             note=note + " A pass most candidates outscored."),
        Band("above-mean", "mean to +1 SD", mean, mean + sd - 1, rank=2, fits_up_to=70, source=HEURISTIC,
             heuristic=True, note=note + " At or above the typical candidate."),
        Band("top", "+1 SD and above", mean + sd, scale.high, rank=3, fits_up_to=95, source=HEURISTIC,
             heuristic=True, note=note + " Roughly the top sixth of candidates."),
    )


PART1_BANDS = DatedValues.of(
    Dated(sd_bands(OLD_SCALE, 226.0, 250.0, 30.0), OLD_FROM, HEURISTIC),
    Dated((), GAP_FROM, HEURISTIC),
    Dated(sd_bands(NEW_SCALE, 439.0, 450.0, 30.0), NEW_FROM, HEURISTIC),
    name="MCCQE Part I bands",
)

# --- NAC examination ---------------------------------------------------------------------------

NAC_ATTEMPTS = DatedValues.constant(3, NAC_RESULTS, since=date(2018, 1, 1), name="NAC attempt limit",
                                    note="Three in total, pass or fail.")
# NAC sessions, by the month they run in: March and September up to 2022, May and September from
# 2023 (e.g. 7-8 Sep 2024, 3 May 2025). Exact days vary per session, so a session is taken to open
# on the first day of its month.
NAC_SESSIONS_FROM_2023 = date(2023, 1, 1)
NAC_SESSION_MONTHS = DatedValues.of(
    Dated((3, 9), date(2018, 1, 1), NAC_SESSIONS, note="March and September"),
    Dated((5, 9), NAC_SESSIONS_FROM_2023, NAC_SESSIONS, note="May and September"),
    name="NAC session months")

# --- MCCQE Part II -----------------------------------------------------------------------------

PART2_DISCONTINUED = date(2021, 6, 1)
LMCC_ROUTE = ("The Licentiate of the Medical Council of Canada (LMCC) now needs a pass on MCCQE Part I, "
              "12 months of acceptable postgraduate training and verified credentials.")

# --- Canada context: specialty indices for IMGs in the CaRMS R-1 match --------------------------
# The seed calls Canada "extremely IMG restrictive"; few IMG applicants match on a first try
# (about 14% in 2019) and most IMG positions are in family medicine. So the seed's indices are
# raised for Canadian targets. Heuristic, labelled as such.
CANADA_INDEX = {
    "family-medicine": 45, "internal-medicine": 60, "psychiatry": 60, "pediatrics": 65,
    "general-surgery": 85, "anesthesiology": 90, "radiology": 95, "dermatology": 100,
    "plastic-surgery": 100, "otolaryngology": 100, "orthopedic-surgery": 100,
}

# The day these values were last checked against mcc.ca (shared/policies.md, revised 2026-12-01 after an
# audit against the authorities' pages), and where to re-check them.
POLICIES_CHECKED = PoliciesChecked(
    date(2026, 12, 1), Source("MCC: exams, eligibility and results pages (re-check the policies here)", "https://mcc.ca/examinations/"),
    note="audit of every encoded fact against mcc.ca MCCQE Part I and NAC pages (policies.md revised 2026-12-01)")
