"""PLAB and GMC English-test policy values: every number dated and sourced (see shared/policies.md).

The project's own heuristics (score-margin and English bands) live in `bands.py`, not here: this
module holds only what the GMC and the test owners publish.
"""

from __future__ import annotations

from datetime import date

from core.dated_values import Dated, DatedValues, Source
from core.exams import PoliciesChecked, Scale

GMC = "https://www.gmc-uk.org/registration-and-licensing/join-our-registers/plab"

ADDITIONAL_ATTEMPT = Source("GMC: Are you eligible for an additional PLAB 1 attempt?", f"{GMC}/plab-1-guide")
PLAB1_AFTER_RESULTS = Source("GMC PLAB 1 guide: what do you do after you get your results?",
                             f"{GMC}/plab-1-guide/what-do-you-do-after-you-get-your-results")
PLAB1_RESULTS = Source("GMC PLAB 1 guide: your results (pass mark set for each sitting)", f"{GMC}/plab-1-guide")
PLAB2_BOOKING = Source("GMC: Information on booking a PLAB 2 place (changes to PLAB 1 validity)",
                       f"{GMC}/plab-2-guide/information-on-booking-a-plab-2-place")
COVID_VALIDITY = Source("GMC: Coronavirus information for PLAB candidates, PLAB 1 validity",
                        f"{GMC}/coronavirus---information-for-plab-candidates/plab-1-validity-and-english-language-evidence")
PLAB2_AFTER_RESULTS = Source("GMC PLAB 2 guide: what do you do after you get your results?",
                             f"{GMC}/plab-2-guide/what-do-you-do-after-you-get-your-results")
PLAB2_MARKING = Source("GMC PLAB 2 guide: understanding your results (scoring from November 2024)", f"{GMC}/plab-2-guide")
NO_RESIT_STATEMENT = Source(
    "GMC PLAB guides describe booking another sitting only after a fail; no statement on resitting a "
    "passed part was found (policies.md: unconfirmed)", f"{GMC}/plab-2-guide/information-on-booking-a-plab-2-place")
ENGLISH = Source("GMC: evidence of your knowledge of English (IELTS Academic and OET Medicine minimums)",
                 "https://www.gmc-uk.org/registration-and-licensing/join-our-registers/before-you-apply/evidence-of-your-knowledge-of-english")
OET_RECOGNISED = Source("GMC / OET: OET (Medicine) accepted as English evidence from 8 February 2018",
                        "https://oet.com/")
IELTS_SCORING = Source("IELTS: how the overall band score is worked out from the four skills",
                       "https://ielts.org/take-a-test/your-results/ielts-scoring-in-detail")
MOST_RECENT = Source("GMC: using your IELTS / OET certificate (scores 'in your most recent sitting of the test'; "
                     "mirrored text 2022-2024, re-check the live page)",
                     "https://www.gmc-uk.org/registration-and-licensing/join-our-registers/before-you-apply/evidence-of-your-knowledge-of-english")
TEST_VERSIONS = Source("GMC 2024 summary of accepted English tests (IELTS Academic in person; OET Medicine)",
                       "https://www.gmc-uk.org/registration-and-licensing/join-our-registers/before-you-apply/evidence-of-your-knowledge-of-english")
COMBINING = Source("Combining English results from two sittings: sources conflict (policies.md: unconfirmed)")

LONG_STANDING = date(1900, 1, 1)

# --- PLAB parts ---------------------------------------------------------------------------------

# Four attempts per part; the GMC words it as "until you have failed it four times".
ATTEMPTS_PER_PART = DatedValues.constant(4, ADDITIONAL_ATTEMPT, name="PLAB attempts per part")
# After the fourth fail: one additional, final attempt, applied for with evidence.
ADDITIONAL_ATTEMPTS = DatedValues.constant(1, ADDITIONAL_ATTEMPT, name="PLAB additional attempts")
ADDITIONAL_WAIT_YEARS = DatedValues.constant(
    1, ADDITIONAL_ATTEMPT, name="PLAB wait before the additional attempt",
    note="At least 12 months from the date of the fourth failed sitting.")
ADDITIONAL_CLINICAL_MONTHS = DatedValues.constant(
    12, ADDITIONAL_ATTEMPT, name="PLAB clinical practice for the additional attempt",
    note="12 months of full-time (or equivalent) direct patient care with structured reports, completed in the "
         "2 years before the request, at a verifiable institution (observerships do not count); a postgraduate "
         "qualification is the alternative.")
# The clinical practice must have been completed within this many years before the request.
ADDITIONAL_CLINICAL_WITHIN_YEARS = DatedValues.constant(
    2, ADDITIONAL_ATTEMPT, name="PLAB additional-attempt clinical practice: window before the request")

# How long a PLAB 1 pass stays valid for passing PLAB 2, as in force on a given day. The GMC
# extended it from two to three years for passes from 15 March 2018 (that is: the extension was
# in force from 15 March 2020, the day the first such pass would have lapsed) and ended the
# extension on 31 March 2025, from which day every pass is valid for two years again.
# `eligibility.plab1_pass_expiry` turns this history into the first day a given pass is no longer valid.
PLAB1_VALIDITY_YEARS = DatedValues.of(
    Dated(2, LONG_STANDING, PLAB2_BOOKING),
    Dated(3, date(2020, 3, 15), COVID_VALIDITY,
          note="Temporary COVID-19 extension, for PLAB 1 passes from 2018-03-15 onward"),
    Dated(2, date(2025, 3, 31), PLAB2_BOOKING,
          note="Extension ended: passes from before 2023-03-31 had to book PLAB 2 before validity ran out "
               "on 2025-03-31 (bookings made by then were honoured)"),
    name="PLAB 1 validity (years)",
)
EXTENSION_ENDED = PLAB1_VALIDITY_YEARS.latest.effective

REGISTRATION_WINDOW_YEARS = DatedValues.constant(
    2, PLAB2_AFTER_RESULTS, name="PLAB 2 to registration (years)",
    note="Registration with a licence to practise approved within two years of the PLAB 2 test date; "
         "later, extra evidence of knowledge and skills is asked for.")

# PLAB 1: 180 single-best-answer questions, score = raw number correct, pass mark set per sitting.
PLAB1_FORMAT_FROM = date(2018, 3, 1)
PLAB1_SCALE = DatedValues.constant(
    Scale(0, 180, "marks"), PLAB1_RESULTS, since=PLAB1_FORMAT_FROM, name="PLAB 1 raw score",
    note="The 180-question format with a pass mark per sitting, from the March 2018 sitting (day approximate); "
         "give the result alone for older sittings.")
PLAB2_NEW_SCORING_FROM = date(2024, 11, 1)

# --- English tests (GMC minimums) ---------------------------------------------------------------

IELTS_SKILLS = ("listening", "reading", "writing", "speaking")
OET_SUBTESTS = ("listening", "reading", "writing", "speaking")
IELTS_SCALE = DatedValues.constant(Scale(0, 9, "band"), IELTS_SCORING, name="IELTS band scale")
IELTS_OVERALL_MIN = DatedValues.constant(7.5, ENGLISH, name="IELTS overall minimum")
IELTS_SKILL_MIN = DatedValues.constant(7.0, ENGLISH, name="IELTS minimum in each skill")
OET_RECOGNISED_FROM = date(2018, 2, 8)
OET_MIN_GRADE = DatedValues.of(Dated("B", OET_RECOGNISED_FROM, OET_RECOGNISED), name="OET minimum grade")
# OET grades from best to worst, and the 0-500 sub-test score each one covers.
OET_GRADES = ("A", "B", "C+", "C", "D", "E")
OET_GRADE_FLOORS = {"A": 450, "B": 350, "C+": 300, "C": 200, "D": 100, "E": 0}
ENGLISH_VALIDITY_YEARS = DatedValues.constant(
    2, ENGLISH, name="English test validity (years)",
    note="Valid on the PLAB 1 test date and on the day registration is approved.")

# The day these values were last checked against the GMC's pages (shared/policies.md, revised 2026-12-01
# after an audit against the authorities' pages), and where to re-check them.
POLICIES_CHECKED = PoliciesChecked(
    date(2026, 12, 1), Source("GMC: PLAB and English language requirements (re-check the policies here)", GMC),
    note="audit of every encoded fact against gmc-uk.org PLAB and English-evidence pages (policies.md revised 2026-12-01)")
