"""USMLE policy values: every number dated and sourced (see shared/policies.md)."""

from __future__ import annotations

from datetime import date

from core.dated_values import Dated, DatedValues, Source
from core.exams import Band, ExamSpec, PoliciesChecked, Scale

SCORES_FAQ = Source("USMLE common questions: Scores (retaking a passed Step)", "https://www.usmle.org/common-questions/scores")
ECFMG_BOOKLET = Source("ECFMG Information Booklet: Reexamination and Reapplication", "https://www.ecfmg.org/resources/publications.html")
ATTEMPT_LIMIT = Source("USMLE common questions: attempt limit", "https://www.usmle.org/common-questions/attempt-limit")
ECFMG_REPEAT_NEWS = Source("ECFMG news: New Rules on Repeating USMLE Examinations", "https://www.ecfmg.org/news/")
TRANSCRIPT = Source("USMLE Bulletin of Information; FSMB USMLE transcripts", "https://www.usmle.org/bulletin-information")
STEP1_PF = Source("USMLE: Transition to Pass/Fail Only Score Reporting for Step 1", "https://www.usmle.org/usmle-step-1-transition-passfail-only-score-reporting")
INTERPRETATION = Source("USMLE Score Interpretation Guidelines", "https://www.usmle.org/scores-transcripts/score-interpretation-guidelines")
STEP2_HISTORY = Source("USMLE minimum passing score announcements (via ECFMG news and secondary pages)", "https://www.usmle.org/scores-transcripts")
STEP2_2025 = Source("USMLE Step 2 CK passing score 218 (secondary pages only)", "https://www.usmle.org/scores-transcripts")
STEP3_2024 = Source("USMLE Step 3 passing score 200 (secondary pages)", "https://www.usmle.org/scores-transcripts")
STEP1_HISTORY = Source("USMLE 2022 performance data (the 194 to 196 increase); Wolters Kluwer and Blueprint notices "
                       "of the 2018 change (Step 1 pass-mark history)", "https://www.usmle.org/performance-data")
STEP3_HISTORY = Source("USMLE announcements of the Step 3 minimum passing score (196 from 2016; 198 for exams "
                       "from 2020-01-01, announced 2019-12-09)", "https://www.usmle.org/announcements")
SEED_BANDS = Source("Retake decision framework, section 1 (Step 2 CK score tiers for IMGs)", "seed/retake-decision-framework.txt")
PREDICTION_ERROR = Source("Practice-test predictions of Step 2 CK miss by about 7.7-7.8 points on average "
                          "(PMC8368818)", "https://pmc.ncbi.nlm.nih.gov/articles/PMC8368818")

LONG_STANDING = date(1900, 1, 1)
# The day these values were last checked against usmle.org and the ECFMG (shared/policies.md, revised
# 2026-12-01 after an audit against the authorities' pages), and where to re-check them.
POLICIES_URL = "https://www.usmle.org/bulletin-information"
POLICIES_CHECKED = PoliciesChecked(
    date(2026, 12, 1), Source("USMLE Bulletin of Information (re-check the policies here); ECFMG Information Booklet",
                              POLICIES_URL),
    note="audit of every encoded fact against usmle.org and ECFMG pages (policies.md revised 2026-12-01)")

RETAKE_EXCEPTION = (
    "The only exception: a state licensing board's time limit for completing the USMLE has expired, and "
    "the board shows that you applied for a licence there, met its other requirements and completed the "
    "full USMLE sequence, Step 3 included. It can be asked for only after the time limit has expired."
)

# Attempt limits, by the day the application is judged: no limit before 2012-01-01; 6 per Step
# for applications from 2012-01-01; 4 per Step (incomplete ones included) from 2021-07-01.
# Before 2012 `ATTEMPTS.at` raises NotInForce, which eligibility reads as "no limit".
SIX_ATTEMPT_ERA = date(2012, 1, 1)
ATTEMPTS = DatedValues.of(
    Dated(6, SIX_ATTEMPT_ERA, ECFMG_REPEAT_NEWS, confidence="medium-high",
          note="6 attempts per Step for applications from 2012-01-01 to 2021-06-30; no limit before"),
    Dated(4, date(2021, 7, 1), ATTEMPT_LIMIT, note="4 attempts per Step, incomplete attempts included"),
    name="USMLE attempt limit",
)

# Waiting rules in force from 2012-01-01: at most 3 attempts at a Step within 12 months; the 4th
# and later attempts at least 12 months after the first and 6 months after the most recent.
WAITING_RULES_EFFECTIVE = date(2012, 1, 1)
MAX_IN_WINDOW = 3
WINDOW_MONTHS = 12
AFTER_FIRST_MONTHS = 12
AFTER_LATEST_MONTHS = 6

THREE_DIGIT = Scale(1, 300)
SCALE_3DIGIT = DatedValues.constant(THREE_DIGIT, INTERPRETATION, name="USMLE 3-digit scale")
STEP1_PASS_FAIL_FROM = date(2022, 1, 26)
STEP1_SCALE = DatedValues.of(Dated(THREE_DIGIT, LONG_STANDING, INTERPRETATION), until=STEP1_PASS_FAIL_FROM,
                             name="Step 1 3-digit scale")
# Step 1 numeric pass marks, by test date. 196 took effect on 2022-01-26, the day pass/fail-only
# reporting began, so no numeric score was ever judged by it: a 194 or 195 from 2018-01-01 to
# 2022-01-25 was a pass.
STEP1_PASS = DatedValues.of(
    Dated(188.0, LONG_STANDING, STEP1_HISTORY, note="The standard before 2014"),
    Dated(192.0, date(2014, 1, 1), STEP1_HISTORY),
    Dated(194.0, date(2018, 1, 1), STEP1_HISTORY),
    Dated(196.0, STEP1_PASS_FAIL_FROM, STEP1_HISTORY,
          note="Raised the day pass/fail-only reporting began: the standard behind a pass/fail result"),
    name="Step 1 pass standard",
)

STEP2CK_PASS = DatedValues.of(
    Dated(189.0, LONG_STANDING, STEP2_HISTORY, confidence="medium", note="The standard before the 2012 review"),
    Dated(196.0, date(2012, 7, 1), STEP2_HISTORY, confidence="medium",
          note="Raised after the June 2012 review; the exact day is approximate (2012-07-01 assumed)"),
    Dated(203.0, date(2013, 7, 1), STEP2_HISTORY),
    Dated(209.0, date(2014, 7, 1), STEP2_HISTORY),
    Dated(214.0, date(2022, 7, 1), STEP2_HISTORY),
    Dated(218.0, date(2025, 7, 1), STEP2_2025, confidence="medium",
          note="Reported only by secondary pages"),
    name="Step 2 CK pass standard",
)

# Step 3 pass marks, by test date. policies.md rates 196 and 198 high and 200 medium; it gives
# no rating for the 190 before 2016, so it is kept at medium.
STEP3_PASS = DatedValues.of(
    Dated(190.0, LONG_STANDING, STEP3_HISTORY, confidence="medium",
          note="The standard before 2016 (no confidence rating in policies.md)"),
    Dated(196.0, date(2016, 1, 1), STEP3_HISTORY),
    Dated(198.0, date(2020, 1, 1), STEP3_HISTORY, note="announced by the USMLE on 2019-12-09"),
    Dated(200.0, date(2024, 1, 1), STEP3_2024, confidence="medium", note="Reported only by secondary pages"),
    name="Step 3 pass standard",
)

# The seed's Step 2 CK tiers. The score ranges are the seed's; `fits_up_to` (the highest
# competitiveness index a band usually fits, 0-100) is this project's reading of its words.
STEP2CK_BANDS = (
    Band("below-220", "below 220", 1, 219, rank=1, fits_up_to=45, source=SEED_BANDS, heuristic=True,
         note="Tough for competitive specialties and questionable for some university IM/FM programs."),
    Band("usable", "220-235", 220, 235, rank=2, fits_up_to=50, source=SEED_BANDS, heuristic=True,
         note="Usable for primary care, IM and less competitive programs; does not make you stand out."),
    Band("usable-upper", "236-239", 236, 239, rank=2, fits_up_to=50, source=SEED_BANDS, heuristic=True,
         note="The seed names no tier for 236-239. Placed with 220-235: it is below 240, where the seed "
              "says a score starts to help, and below the 2026 median of matched non-US IMGs in most "
              "specialties (NRMP). A retake from here gains a tier only by crossing 240."),
    Band("helps", "240 and up", 240, 300, rank=3, fits_up_to=80, source=SEED_BANDS, heuristic=True,
         note="Starts to help an IMG. No band alone opens ultra-competitive fields (index 95)."),
)

BIG_GAIN = 20.0  # seed: "a realistic path to 20+ point improvement (for USMLE-type exams)"
# Step 2 CK has a published standard error of measurement of about 6 points (USMLE score
# interpretation guidance; SD about 15, mean about 251 in 2026), and practice-test predictions miss
# by about 7.7-7.8 points (PMC8368818). A predicted gain within about 2 SEM (~12 points) cannot be
# told apart from noise: the sourced reading of the seed's "5-10 points is almost never worth it".
STEP2CK_SEM = 6.0
SMALL_GAIN = 2 * STEP2CK_SEM
GAIN_SOURCE = Source("Retake decision framework, sections 2 and 5 (20+ points; 5-10 points)", "seed/retake-decision-framework.txt")
STEP2CK_GAIN_SOURCE = Source(
    "Big gain: retake decision framework, section 2 (20+ points). Small gain: within about 2 standard errors "
    "of measurement (SEM about 6 points, so ~12), USMLE Score Interpretation Guidelines; practice-test "
    "predictions miss by about 7.7-7.8 points (PMC8368818)", INTERPRETATION.url)

# Step 2 CS (Clinical Skills): discontinued on 2021-01-26, when the USMLE ended its work to relaunch
# it. It is modelled only so that its sittings count toward the limit across Steps (a candidate's
# failed CS attempts are attempts at a Step) and to say it cannot be sat again. Result-only.
STEP2CS_END = date(2021, 1, 26)
STEP2CS_DISCONTINUED = Source("USMLE announcement: work to relaunch USMLE Step 2 CS discontinued (2021-01-26)",
                              "https://www.usmle.org/work-relaunch-usmle-step-2-cs-discontinued")

COMMON = dict(
    country="US", authority="USMLE (FSMB and NBME); ECFMG for IMGs",
    retake_after_pass="never", retake_after_pass_source=SCORES_FAQ,
    attempt_limit=ATTEMPTS, retakes_common=False, all_attempts_reported=True,
    gain_source=GAIN_SOURCE, policies_checked=POLICIES_CHECKED,
)

EXAMS = (
    ExamSpec(
        id="usmle-step1", name="USMLE Step 1", sources=(SCORES_FAQ, ATTEMPT_LIMIT, ECFMG_BOOKLET, STEP1_PF, STEP1_HISTORY),
        scale=STEP1_SCALE, pass_mark=STEP1_PASS,
        notes=("Pass/fail only for sittings on or after 2022-01-26; earlier sittings have a 3-digit score.",),
        **COMMON,
    ),
    ExamSpec(
        id="usmle-step2ck", name="USMLE Step 2 CK", sources=(SCORES_FAQ, ATTEMPT_LIMIT, ECFMG_BOOKLET, STEP2_HISTORY),
        scale=SCALE_3DIGIT, pass_mark=STEP2CK_PASS,
        bands=DatedValues.constant(STEP2CK_BANDS, SEED_BANDS, name="Step 2 CK bands"),
        big_gain=BIG_GAIN, small_gain=SMALL_GAIN, **{**COMMON, "gain_source": STEP2CK_GAIN_SOURCE},
    ),
    ExamSpec(
        id="usmle-step2cs", name="USMLE Step 2 CS", sources=(ATTEMPT_LIMIT, STEP2CS_DISCONTINUED, ECFMG_BOOKLET),
        discontinued=STEP2CS_END,
        notes=("Discontinued on 2021-01-26; modelled so that its sittings count toward the attempt limit "
               "across Steps. Give each sitting's result (pass or fail).",),
        **COMMON,
    ),
    ExamSpec(
        id="usmle-step3", name="USMLE Step 3",
        sources=(SCORES_FAQ, ATTEMPT_LIMIT, ECFMG_BOOKLET, STEP3_HISTORY, STEP3_2024),
        scale=SCALE_3DIGIT, pass_mark=STEP3_PASS,
        notes=("No score tiers are recorded for Step 3: a pass is read as a pass.",),
        **COMMON,
    ),
)
