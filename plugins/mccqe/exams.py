"""The exams the mccqe plugin offers, built from `policy.py` values."""

from __future__ import annotations

from core.exams import ExamSpec
from plugins.mccqe import policy

COMMON = dict(country="CA", authority="Medical Council of Canada (MCC)", policies_checked=policy.POLICIES_CHECKED)

EXAMS = (
    ExamSpec(
        id="mccqe1", name="MCCQE Part I",
        sources=(policy.PART1_ELIGIBILITY, policy.PART1_RESULTS, policy.PART1_NEW_SCALE),
        retake_after_pass="never", retake_after_pass_source=policy.PART1_ELIGIBILITY,
        scale=policy.PART1_SCALE, pass_mark=policy.PART1_PASS, attempt_limit=policy.PART1_ATTEMPTS,
        bands=policy.PART1_BANDS,
        big_gain=policy.BIG_GAIN_SD * 30, small_gain=round(policy.SMALL_GAIN_SD * 30), gain_source=policy.HEURISTIC,
        retakes_common=False, all_attempts_reported=True,
        notes=("Scores: 100-400 (pass 226) for sittings 2018-06-01 to 2024-10-31; 300-600 (pass 439) from "
               "2025-04-01. Give the result alone for other sittings.",
               "result may be pass, fail, denied_standing (counts), no_standing (does not count) or incomplete.",
               "attempts[i].result_date (optional) fixes the one-year wait before the 4th attempt."),
        **COMMON,
    ),
    ExamSpec(
        id="nac", name="NAC examination",
        sources=(policy.NAC_RESULTS, policy.NAC_SCALE),
        retake_after_pass="allowed", retake_after_pass_source=policy.NAC_RESULTS,
        scale=None, pass_mark=None, attempt_limit=policy.NAC_ATTEMPTS,
        retakes_common=False, all_attempts_reported=False,
        notes=("Give each sitting's result: the current NAC pass score is unconfirmed, so a score alone "
               "cannot be judged.",
               "At most three attempts in total; only the most recent result is valid."),
        **COMMON,
    ),
    ExamSpec(
        id="mccqe2", name="MCCQE Part II (discontinued June 2021)",
        sources=(policy.PART2_END,),
        retake_after_pass="never", retake_after_pass_source=policy.PART2_END,
        scale=None, pass_mark=None, discontinued=policy.PART2_DISCONTINUED,
        notes=("No longer delivered: " + policy.LMCC_ROUTE,),
        **COMMON,
    ),
)
