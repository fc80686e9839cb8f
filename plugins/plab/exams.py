"""The four exams the plab plugin offers, built from `policy.py` values and `bands.py` bands."""

from __future__ import annotations

from core.dated_values import DatedValues
from core.exams import ExamSpec
from core.overrides import Override
from plugins.plab import bands, policy

PART = dict(
    country="GB", authority="General Medical Council (GMC)",
    retake_after_pass="unconfirmed", retake_after_pass_source=policy.NO_RESIT_STATEMENT,
    attempt_limit=policy.ATTEMPTS_PER_PART, retakes_common=False, all_attempts_reported=True,
    policies_checked=policy.POLICIES_CHECKED,
)
_NOT_BY_SPECIALTY = "an English result is a bar for registration, not weighed against a specialty (issue 10)"
# The framework's readings of a score against the specialty, or of a clean record that nobody sees,
# do not apply to an English test; its "score in range" is said in English-test words.
ENGLISH_OVERRIDES = (
    Override("framework.reality.less-competitive", None, why=_NOT_BY_SPECIALTY),
    Override("framework.reality.mid-to-high", None, why=_NOT_BY_SPECIALTY),
    Override("framework.reality.ultra-competitive", None, why=_NOT_BY_SPECIALTY),
    Override("framework.faq.clean-first-pass", None,
             why="the GMC sees only the result you send: an earlier sitting is no record to keep clean"),
    Override("framework.red-flag.score-in-range",
             "Your result already meets the GMC's English minimums; a retake would change little."),
    Override("red_flag:score-in-range", "Good news: your result meets the GMC's English minimums, and UK posts "
                                        "do not rank applicants by it."),
)
ENGLISH_TEST = dict(
    country="GB", retake_after_pass="allowed", retake_after_pass_source=policy.ENGLISH,
    attempt_limit=None, retakes_common=True, all_attempts_reported=False,
    gain_source=bands.HEURISTIC, parts=policy.IELTS_SKILLS, policies_checked=policy.POLICIES_CHECKED,
    overrides=ENGLISH_OVERRIDES,
)

EXAMS = (
    ExamSpec(
        id="plab1", name="PLAB 1",
        sources=(policy.PLAB1_RESULTS, policy.PLAB1_AFTER_RESULTS, policy.ADDITIONAL_ATTEMPT, policy.PLAB2_BOOKING,
                 policy.COVID_VALIDITY),
        scale=policy.PLAB1_SCALE, pass_mark=None, pass_mark_per_sitting=True,
        bands=DatedValues.constant(bands.PLAB1_MARGIN_BANDS, bands.HEURISTIC, name="PLAB 1 margin bands"),
        big_gain=bands.PLAB1_BIG_GAIN, small_gain=bands.PLAB1_SMALL_GAIN, gain_source=bands.HEURISTIC,
        notes=("Give each sitting's own pass mark (printed with the result) or its result: the GMC sets a pass "
               "mark per sitting.",
               "Score = questions answered correctly, out of 180.",
               "A passed part is treated as final (unconfirmed)."),
        **PART,
    ),
    ExamSpec(
        id="plab2", name="PLAB 2",
        sources=(policy.PLAB2_MARKING, policy.PLAB2_AFTER_RESULTS, policy.PLAB2_BOOKING, policy.ADDITIONAL_ATTEMPT),
        scale=None, pass_mark=None,
        parts=("stations_passed", "stations_required", "stations_total", "score", "pass_score"),
        notes=("Judged by result: give result: pass | fail. Station counts and scores may go in parts.",
               "A passed part is treated as final (unconfirmed)."),
        **PART,
    ),
    ExamSpec(
        id="ielts-academic", name="IELTS Academic", authority="IELTS (for the GMC's English requirement)",
        sources=(policy.ENGLISH, policy.IELTS_SCORING),
        scale=policy.IELTS_SCALE, pass_mark=None,
        bands=DatedValues.constant(bands.IELTS_BANDS, bands.HEURISTIC, name="IELTS bands"),
        big_gain=bands.IELTS_BIG_GAIN, small_gain=bands.IELTS_SMALL_GAIN,
        notes=("score = the overall band; parts = listening, reading, writing, speaking bands.",
               "The GMC needs 7.5 overall and 7.0 in each skill, in one sitting, less than two years old."),
        **ENGLISH_TEST,
    ),
    ExamSpec(
        id="oet-medicine", name="OET Medicine", authority="OET (for the GMC's English requirement)",
        sources=(policy.ENGLISH, policy.OET_RECOGNISED),
        scale=None, pass_mark=None,
        bands=DatedValues.constant(bands.OET_BANDS, bands.HEURISTIC, name="OET bands"),
        notes=("parts = a grade per sub-test (A, B, C+, C, D, E) or its 0-500 score.",
               "The GMC needs grade B in each of the four sub-tests, in one sitting, less than two years old."),
        **ENGLISH_TEST,
    ),
)
