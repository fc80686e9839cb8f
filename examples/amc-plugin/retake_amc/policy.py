"""AMC policy values: every number dated and sourced, with how sure we are.

Researched from the AMC's own pages where they say it, and from secondary pages (marked so)
where they do not. Confirmed by the AMC: the Clinical Examination's pass requirement history
(11 of 14 with a retest band from February 2018, 10 of 14 from 20 February 2019, 9 of 14 from
21 March 2024, not applied to earlier results), that it has no attempt limit, that it needs an MCQ
pass first, that an MCQ authorisation covers one sitting within 12 months, and (on an older FAQ
page) that no part of the AMC examination process has a time limit. Only from secondary pages:
the MCQ's 0-500 scale with its pass mark of 250, the slightly higher MCQ standard from 2026, the
absence of an MCQ attempt limit and waiting period. Found nowhere: whether a passed MCQ or Clinical
Examination may be sat again (treated as final, and said to be unconfirmed).
"""

from __future__ import annotations

from datetime import date

from core import Dated, DatedValues, ExamSpec, Override, Scale, Source, Specialty

AMC = "Australian Medical Council (AMC)"

# --- sources ------------------------------------------------------------------------------------
MCQ_PAGE = Source("AMC: AMC CAT MCQ Examination (Standard Pathway)",
                  "https://www.amc.org.au/pathways/standard-pathway/amc-assessments/mcq-examination/")
MCQ_FAQ = Source("AMC: AMC CAT MCQ Examination FAQs (a 12-month authorisation for one sitting)",
                 "https://www.amc.org.au/assessment/faqs/amc-mcq-examination-faqs/")
CLINICAL_PAGE = Source("AMC: Clinical examination, change to pass requirement (9 of 14 stations from 21 March 2024)",
                       "https://www.amc.org.au/pathways/standard-pathway/amc-assessments/clinical-examination/")
CLINICAL_RESULTS = Source("AMC: Clinical Results (pass requirements; no limit on the number of attempts)",
                          "https://www.amc.org.au/assessment/clinical-examination/clinical-results/")
CLINICAL_2019 = Source("AMC: Clinical examination format, change to pass score (retest removed from 1 January 2019; "
                       "10 of 14 from 20 February 2019)",
                       "https://www.amc.org.au/assessment/clinical-examination/clinical-examination-format/")
CLINICAL_2018 = Source("AMC: Notification on the AMC Clinical examination scoring (from February 2018: clear pass "
                       "11 of 14, retest 9-10 of 14)", "http://www.amc.org.au/assessment/clinical-exam/clinical-performance")
CLINICAL_FAQ = Source("AMC: Clinical Examination FAQs (older page: MCQ pass needed first; no time limit on any part "
                      "of the AMC examination process)", "http://www.amc.org.au/assessment/faqs/clinical")
MCQ_SCALE_SECONDARY = Source("Secondary: Rounds and Routes, 'Introduction to the AMC CAT MCQ exam' (2020): "
                             "scores 0-500, pass 250",
                             "https://www.roundsandroutes.com/post/introduction-to-the-australian-medical-"
                             "councilmsg-webs-computer-adaptive-test-cat-mcq-exam-format")
MCQ_2026_SECONDARY = Source("Secondary: AMC Mentor, 'Update to the AMC MCQ Examination Pass Standard (Effective 2026)'",
                            "https://amcmentor.com.au/?p=6876")
MCQ_RETAKE_SECONDARY = Source("Secondary: AMC Prep, 'AMC Part 1 Retake Policy' (no published attempt limit or "
                              "waiting period)", "https://www.amcprep.com.au/amc-part-1/retake-policy")
MCQ_INCOMPLETE_SECONDARY = Source("Secondary: Medical Jobs Australia, AMC CAT MCQ ('Fail - Insufficient data to "
                                  "obtain result')", "https://www.medicaljobsaustralia.net/AMC.html")
SEED = Source("Retake decision framework, section 3 (specialty reality check)", "seed/retake-decision-framework.txt")

# --- AMC CAT MCQ ---------------------------------------------------------------------------------
# The earliest day a page attests the 0-500 scale with 250 to pass (a November 2020 article);
# older sittings are judged by the result the candidate gives.
MCQ_SCALE_SINCE = date(2020, 11, 1)
MCQ_2026_STANDARD = date(2026, 1, 1)

MCQ_SCALE = DatedValues.of(
    Dated(Scale(0, 500, unit="scaled score"), MCQ_SCALE_SINCE, MCQ_SCALE_SECONDARY, confidence="medium",
          note="Reported on secondary pages only; the AMC's own pages describe the exam, not the scale."),
    name="AMC CAT MCQ scale",
)
MCQ_PASS_MARK = DatedValues.of(
    Dated(250.0, MCQ_SCALE_SINCE, MCQ_SCALE_SECONDARY, confidence="medium",
          note="250 on the 0-500 scale, set at the level of a graduating Australian medical student (secondary)."),
    Dated(250.0, MCQ_2026_STANDARD, MCQ_2026_SECONDARY, confidence="unconfirmed",
          note="From 2026 the standard is reported to be slightly higher while results are still reported against "
               "250; the AMC's announcement and its exact effective day were not found (1 January 2026 assumed)."),
    name="AMC CAT MCQ pass mark",
)

# --- AMC Clinical Examination ---------------------------------------------------------------------
# Scored as stations passed out of 14 since February 2018 (16 assessed stations, 2 of them pilots).
CLINICAL_SCALE_SINCE = date(2018, 2, 1)
RETEST_REMOVED = date(2019, 1, 1)
PASS_10_OF_14 = date(2019, 2, 20)
PASS_9_OF_14 = date(2024, 3, 21)

CLINICAL_SCALE = DatedValues.of(
    Dated(Scale(0, 14, unit="stations passed"), CLINICAL_SCALE_SINCE, CLINICAL_2018, confidence="medium-high",
          note="'Effective from examinations commencing in February 2018': the first day is assumed."),
    name="AMC Clinical scale",
)
CLINICAL_PASS_MARK = DatedValues.of(
    Dated(11.0, CLINICAL_SCALE_SINCE, CLINICAL_2018, confidence="medium-high",
          note="A clear pass was 11 of 14; 9 or 10 earned a retest (offered until 31 December 2018), not a pass."),
    Dated(10.0, PASS_10_OF_14, CLINICAL_2019),
    Dated(9.0, PASS_9_OF_14, CLINICAL_PAGE, note="Not applied to results before 21 March 2024."),
    name="AMC Clinical pass mark",
)

EXAMS = (
    ExamSpec(
        id="amc-cat-mcq", name="AMC CAT MCQ Examination", country="AU", authority=AMC,
        sources=(MCQ_PAGE, MCQ_FAQ, MCQ_SCALE_SECONDARY, MCQ_RETAKE_SECONDARY),
        retake_after_pass="unconfirmed", retake_after_pass_source=MCQ_FAQ,
        scale=MCQ_SCALE, pass_mark=MCQ_PASS_MARK,
        attempt_limit=None,  # none published (secondary; unconfirmed): see rule amc.mcq-no-published-limit
        retakes_common=False, all_attempts_reported=True,
        notes=(
            "Australian employers and the Medical Board look for an MCQ pass; no score tiers are recorded, so a "
            "pass is read as a pass.",
            "Each sitting needs its own 12-month authorisation and the full fee.",
        ),
    ),
    ExamSpec(
        id="amc-clinical", name="AMC Clinical Examination", country="AU", authority=AMC,
        sources=(CLINICAL_PAGE, CLINICAL_RESULTS, CLINICAL_2019, CLINICAL_2018, CLINICAL_FAQ),
        retake_after_pass="unconfirmed", retake_after_pass_source=CLINICAL_RESULTS,
        scale=CLINICAL_SCALE, pass_mark=CLINICAL_PASS_MARK,
        attempt_limit=None,  # "There is no limit on the number of attempts" (AMC Clinical Results)
        retakes_common=False, all_attempts_reported=True,
        notes=("Give each sitting's score as the number of the 14 scored stations passed.",
               "Open only to candidates who have passed the AMC CAT MCQ."),
        # The framework's prior-failure red flag speaks of later board exams; AMC Clinical is the
        # last AMC exam, so this exam says it in its own words (core.overrides).
        overrides=(Override("red_flag:prior-failure",
                            text="A failed AMC Clinical attempt is on your AMC record. How Australian employers "
                                 "weigh it is not stated in the sources this plugin uses (unconfirmed).",
                            why="AMC Clinical is not followed by board exams"),),
    ),
)

# --- country context ------------------------------------------------------------------------------
SPECIALTIES = (
    Specialty("general-practice", "General Practice (Australia)", 20, SEED, country="AU",
              note="The seed's family medicine index applied to Australian general practice; competitiveness "
                   "for IMGs in Australia was not researched (unconfirmed)."),
)
