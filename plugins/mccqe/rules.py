"""MCC rules: what the Medical Council of Canada forbids or requires, each with its source.

Every `blocked_by` code `eligibility.py` emits has a rule concluding `not_allowed` here. Facts:
`mccqe.record` (Part I attempts and waiting), `mccqe.score` (a Part I score on its scale),
`mccqe.nac` (NAC attempts and sessions), `mccqe.part2`.
"""

from __future__ import annotations

from core.exams import stale_policy_rule
from core.rules import Priority, Rule, action, decision, fact, gt, red_flag
from plugins.mccqe import policy

PART1_RULES = (
    Rule(
        id="mccqe.no-retake-after-pass",
        title="A passed MCCQE Part I cannot be retaken",
        when={"eligibility": fact("eligibility", exam="mccqe1", blocked_by="passed-final")},
        then=[decision("not_allowed")],
        text="You passed MCCQE Part I, and the MCC does not let a candidate with a pass result sit it again: "
             "the score you have is the one {target.programs} will see.",
        source=policy.PART1_ELIGIBILITY, priority=Priority.POLICY,
    ),
    Rule(
        id="mccqe.attempt-limit-reached",
        title="The MCCQE Part I attempt limit is reached",
        when={"eligibility": fact("eligibility", exam="mccqe1", blocked_by="attempts-exhausted"),
              "record": fact("mccqe.record")},
        then=[decision("not_allowed")],
        text="{mccqe_record.counted} counted attempts at MCCQE Part I without a pass reach the MCC's limit of "
             "{mccqe_record.limit}. Fails and Denied Standing count; No Standing and attempts before 2018 do not.",
        source=policy.PART1_ELIGIBILITY, effective=policy.ATTEMPTS_COUNT_FROM, priority=Priority.POLICY,
    ),
    Rule(
        id="mccqe.fourth-attempt-wait",
        title="A one-year wait before the fourth attempt",
        when={"record": fact("mccqe.record", fourth_wait=True)},
        then=[red_flag("mccqe-last-attempt", "Your next MCCQE Part I attempt is the fourth and last.")],
        text="Your next MCCQE Part I attempt would be the fourth and final one. The MCC requires a full year "
             "from receiving the third result ({mccqe_record.third_result}), and the wait cannot be "
             "shortened: the earliest sitting is {mccqe_record.earliest}.",
        source=policy.PART1_ELIGIBILITY, priority=Priority.POLICY_DETAIL,
    ),
    Rule(
        id="mccqe.result-date-assumed",
        title="The third result's date was assumed from its session",
        when={"record": fact("mccqe.record", fourth_wait=True, result_assumed=True)},
        text="No result date was given for your third counted attempt ({mccqe_record.third_sat}), so its result "
             "is assumed to have arrived on {mccqe_record.third_result}: the MCC releases results after the "
             "last day of the whole session, not after your own sitting, and {mccqe_record.assumption}. "
             "Give result_date for that attempt to get the exact earliest date.",
        source=policy.RESULT_TIMING, priority=Priority.POLICY_DETAIL + 1,
    ),
    Rule(
        id="mccqe.uncounted-attempts",
        title="Some sittings do not count toward the limit",
        when={"record": fact("mccqe.record", gt("uncounted", 0))},
        text="{mccqe_record.uncounted} of your sittings do not count toward the four-attempt limit: attempts "
             "before 2018 and those with No Standing are left out.",
        source=policy.PART1_ELIGIBILITY, priority=Priority.DEADLINES,
    ),
    Rule(
        id="mccqe.scale-2018",
        title="Scored on the 100-400 scale",
        when={"score": fact("mccqe.score", new_scale=False)},
        text="Your score of {mccqe_score.score:g} is on the 100-400 scale used from 2018 to October 2024 "
             "(pass score 226, cohort mean 250, SD 30): {mccqe_score.z:+} SD from the mean.",
        source=policy.PART1_RESULTS, priority=Priority.SCORE,
    ),
    Rule(
        id="mccqe.scale-2025",
        title="Scored on the 300-600 scale",
        when={"score": fact("mccqe.score", new_scale=True)},
        text="Your score of {mccqe_score.score:g} is on the 300-600 scale used from the April 2025 session "
             "(pass score 439, cohort mean 450, SD 30): {mccqe_score.z:+} SD from the mean.",
        source=policy.PART1_NEW_SCALE, effective=policy.NEW_FROM, confidence="medium-high", priority=Priority.SCORE,
    ),
    Rule(
        id="mccqe.bands-heuristic",
        title="MCCQE Part I bands are the project's heuristic",
        when={"score": fact("mccqe.score"), "band": fact("band")},
        text="The bands (below the mean, mean to +1 SD, +1 SD and above) are this project's reading of the "
             "MCC's advice to compare scores by their distance in SDs; the MCC itself reports only pass or fail.",
        source=policy.HEURISTIC, confidence="medium", priority=Priority.SCORE + 1,
    ),
)

# How NAC sessions run, said by both spacing rules.
NAC_SESSIONS = ("Sessions run twice a year, typically in May and September (March and September before 2023); "
                "the exact days vary, so check the MCC's NAC scheduling page.")

NAC_RULES = (
    Rule(
        id="mccqe.nac-attempt-limit-reached",
        title="All three NAC attempts are used",
        when={"eligibility": fact("eligibility", exam="nac", blocked_by="attempts-exhausted"),
              "nac": fact("mccqe.nac")},
        then=[decision("not_allowed")],
        text="{mccqe_nac.attempts} NAC attempts reach the MCC's limit of {mccqe_nac.limit} in total, passes "
             "included: no further sitting is possible. Your most recent result is the one that stands.",
        source=policy.NAC_RESULTS, priority=Priority.POLICY,
    ),
    Rule(
        id="mccqe.nac-latest-result-counts",
        title="Only the latest NAC result is valid",
        when={"nac": fact("mccqe.nac", passed=True, skip_session=True)},
        then=[red_flag("nac-latest-counts", "A NAC retake replaces your pass: if it goes worse, the pass is gone.")],
        text="A passed NAC may be sat again, but only the most recent result is valid and it does not expire: "
             "a retake that goes worse, or fails, replaces the pass you hold.",
        source=policy.NAC_RESULTS, priority=Priority.POLICY_DETAIL,
    ),
    Rule(
        id="mccqe.nac-earlier-pass-replaced",
        title="An earlier NAC pass was replaced",
        when={"nac": fact("mccqe.nac", earlier_pass_replaced=True)},
        text="You passed the NAC before, but a later sitting did not pass, and only the most recent NAC result "
             "is valid: the earlier pass no longer counts.",
        source=policy.NAC_RESULTS, priority=Priority.POLICY_DETAIL,
    ),
    Rule(
        id="mccqe.nac-no-consecutive-sessions",
        title="No NAC retake in the session right after the latest sitting",
        when={"nac": fact("mccqe.nac", skip_session=True, missed=False)},
        text="The NAC cannot be taken in consecutive sessions, after a fail as after a pass: your latest "
             "sitting was on {mccqe_nac.latest}, so the {mccqe_nac.skipped} session is skipped and the earliest "
             "retake is the {mccqe_nac.next_session} session (from {mccqe_nac.earliest}). " + NAC_SESSIONS,
        source=policy.NAC_ELIGIBILITY, priority=Priority.POLICY_DETAIL,
    ),
    Rule(
        # The same rule read later: the first session open after the skip is already over, so naming
        # it beside a later day ("the September 2026 session (from 2026-12-01)") contradicted itself.
        id="mccqe.nac-no-consecutive-sessions-next-open",
        title="No NAC retake in the session right after the latest sitting; the next session open to you",
        when={"nac": fact("mccqe.nac", skip_session=True, missed=True)},
        text="The NAC cannot be taken in consecutive sessions, after a fail as after a pass: after your sitting "
             "of {mccqe_nac.latest} the {mccqe_nac.skipped} session was closed to you. The {mccqe_nac.first_open} "
             "session was the first open to you and is over, so the earliest retake is the "
             "{mccqe_nac.next_session} session (from {mccqe_nac.earliest}). " + NAC_SESSIONS,
        source=policy.NAC_ELIGIBILITY, priority=Priority.POLICY_DETAIL,
    ),
    Rule(
        id="mccqe.nac-pass-score-unconfirmed",
        title="The NAC pass score is unconfirmed",
        when={"case": fact("case", exam="nac")},
        text="The NAC scale has changed several times and its current pass score is unconfirmed, so the "
             "product judges each NAC sitting by the result you give, not by a score.",
        source=policy.NAC_SCALE, confidence="unconfirmed", priority=Priority.SCORE,
    ),
)

PART2_RULES = (
    Rule(
        id="mccqe.part2-discontinued",
        title="MCCQE Part II no longer exists",
        when={"eligibility": fact("eligibility", exam="mccqe2", blocked_by="discontinued")},
        then=[decision("not_allowed"),
              action("mccqe-lmcc-route", "Work toward the LMCC through MCCQE Part I and 12 months of acceptable "
                                         "postgraduate training instead of Part II.")],
        text="MCCQE Part II was discontinued in June 2021, so it cannot be sat again. " + policy.LMCC_ROUTE,
        source=policy.PART2_END, effective=policy.PART2_DISCONTINUED, priority=Priority.POLICY,
    ),
)

_MATCHED = policy.CARMS_IMGS_MATCHED

CONTEXT_RULES = (
    Rule(
        id="mccqe.context.carms",
        title="Canada: CaRMS and how few IMGs match",
        when={"case": fact("case", plugin="mccqe"), "target": fact("target", country="CA")},
        then=[action("mccqe-carms-criteria", "Read each target program's CaRMS description for its IMG criteria "
                                             "(exam results, Canadian clinical exposure, language).")],
        text="Context, not a chance of success: in the CaRMS R-1 match, IMGs supply their MCCQE Part I and NAC "
             "results and each program sets its own criteria. Canada is extremely restrictive for IMGs: "
             f"{_MATCHED[2025]} IMGs matched in the 2025 R-1 main match ({_MATCHED[2024]} in 2024, {_MATCHED[2023]} "
             "in 2023), and about 14% of IMG applicants matched on the first try in 2019. An exam score is one "
             "hurdle among many.",
        source=policy.CARMS_STATS, confidence="medium-high", priority=Priority.CONTEXT + 6,
        effective_note="CaRMS 2025 R-1 data",
    ),
)

# Across exams (issue 11): present only when the profile lists both MCCQE Part I and the NAC.
ACROSS_RULES = (
    Rule(
        id="mccqe.carms-needs-both",
        title="CaRMS reads MCCQE Part I and the NAC together",
        when={"pair": fact("mccqe.carms-pair")},
        text="IMGs in the CaRMS R-1 match supply their MCCQE Part I and NAC results together, and each program "
             "sets its own criteria. Your {mccqe_carms_pair.other}: {mccqe_carms_pair.state}.",
        source=policy.CARMS, confidence="medium-high", priority=Priority.CONTEXT + 4, effective_note="current CaRMS practice",
    ),
    Rule(
        id="mccqe.carms-other-exam-missing",
        title="The other CaRMS exam is not passed yet",
        when={"pair": fact("mccqe.carms-pair", passed=False)},
        then=[action("mccqe-carms-other", "Plan the {mccqe_carms_pair.other} too: CaRMS programs read both results.")],
        text="Your {mccqe_carms_pair.other} is {mccqe_carms_pair.state}: a CaRMS application shows both results, "
             "so plan its sitting alongside this one.",
        source=policy.CARMS, confidence="medium-high", priority=Priority.CONTEXT + 4, effective_note="current CaRMS practice",
    ),
)

FRESHNESS_RULES = (stale_policy_rule("mccqe", "MCC", policy.POLICIES_CHECKED),)

RULES: tuple[Rule, ...] = FRESHNESS_RULES + PART1_RULES + NAC_RULES + PART2_RULES + CONTEXT_RULES + ACROSS_RULES
