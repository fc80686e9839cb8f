"""USMLE policy rules: what the authority forbids or requires, each with its source."""

from __future__ import annotations

from core.exams import stale_policy_rule
from core.rules import one_of, Priority, Rule, decision, fact, gt, gte, lte, red_flag, same
from plugins.usmle import nrmp, policy

USMLE = ("usmle-step1", "usmle-step2ck", "usmle-step3")

STANDARD_SOURCES = {"usmle-step1": policy.STEP1_HISTORY, "usmle-step2ck": policy.STEP2_HISTORY,
                    "usmle-step3": policy.STEP3_HISTORY}


def _standard_rules(exam_id: str, source) -> tuple[Rule, ...]:
    """The pass standard a scored sitting was judged by: quoted with its date, and, where policies.md
    rates it medium, saying so (two rules so that the confidence shown is the rule's own)."""
    name = exam_id.replace("usmle-", "").replace("step", "Step ").replace("2ck", "2 CK")
    quoted = ("{case.exam_name} sittings are judged by the minimum passing score in force on the test date: "
              "your sitting of {usmle_standard.sitting} scored {usmle_standard.score:g} against "
              "{usmle_standard.value:g}")
    return (
        Rule(
            id=f"usmle.pass-standard.{exam_id.replace('usmle-', '')}",
            title=f"{name} judged by the pass standard of its test date",
            when={"standard": fact("usmle.standard", exam=exam_id, firm=True)},
            text=quoted + " ({usmle_standard.detail}; source: {usmle_standard.source}).",
            source=source, priority=Priority.SCORE, effective_note="by test date",
        ),
        Rule(
            id=f"usmle.pass-standard-medium.{exam_id.replace('usmle-', '')}",
            title=f"{name} pass standard of medium confidence",
            when={"standard": fact("usmle.standard", exam=exam_id, firm=False)},
            text=quoted + " ({usmle_standard.detail}; source: {usmle_standard.source}). That standard is "
                          "held with medium confidence: check it against your score report, which states the "
                          "passing score.",
            source=source, confidence="medium", priority=Priority.SCORE,
            effective_note="by test date",
        ),
    )


RULES = (
    stale_policy_rule("usmle", "USMLE", policy.POLICIES_CHECKED),
    Rule(
        id="usmle.step2cs-discontinued",
        title="Step 2 CS no longer exists",
        when={"eligibility": fact("eligibility", exam="usmle-step2cs", blocked_by="discontinued"),
              "cs": fact("usmle.step2cs")},
        then=[decision("not_allowed")],
        text="USMLE Step 2 CS was discontinued on 2021-01-26, so it cannot be sat again. Its sittings still "
             "count as attempts at a Step ({usmle_step2cs.attempts} in your record): four attempts at any Step "
             "without a pass end eligibility for every Step.",
        source=policy.STEP2CS_DISCONTINUED, effective=policy.STEP2CS_END, priority=Priority.POLICY,
    ),
    Rule(
        id="usmle.no-repeat-after-pass",
        title="A passed USMLE Step cannot be retaken",
        when={"eligibility": fact("eligibility", plugin="usmle", blocked_by="passed-final")},
        then=[decision("not_allowed")],
        text="You passed {case.exam_name}, and a passed Step cannot be sat again to raise the score: "
             "the score stays on your transcript for good. " + policy.RETAKE_EXCEPTION,
        source=policy.SCORES_FAQ, priority=Priority.POLICY, effective_note="long-standing",
    ),
    Rule(
        id="usmle.attempt-limit-reached",
        title="The attempt limit is reached",
        when={"eligibility": fact("eligibility", plugin="usmle", blocked_by="attempts-exhausted"),
              "record": fact("usmle.record")},
        then=[decision("not_allowed")],
        text="{usmle_record.attempts} attempts at {case.exam_name} without a pass reach the limit of "
             "{usmle_record.limit}. Four attempts at any Step without passing end eligibility for "
             "every USMLE Step.",
        source=policy.ATTEMPT_LIMIT, effective=policy.ATTEMPTS.latest.effective, priority=Priority.POLICY,
    ),
    Rule(
        id="usmle.attempt-limit-reached-before-2021",
        title="The attempt limit in force before July 2021 is reached",
        when={"eligibility": fact("eligibility", plugin="usmle", blocked_by="attempts-exhausted"),
              "record": fact("usmle.record")},
        then=[decision("not_allowed")],
        text="{usmle_record.attempts} attempts at {case.exam_name} without a pass reach the limit of "
             "{usmle_record.limit} in force before 2021-07-01.",
        source=policy.ECFMG_REPEAT_NEWS, effective=policy.SIX_ATTEMPT_ERA, until=policy.ATTEMPTS.latest.effective,
        confidence="medium-high", priority=Priority.POLICY,
    ),
    Rule(
        id="usmle.no-attempt-limit-before-2012",
        title="No attempt limit before 2012",
        when={"record": fact("usmle.record", has_limit=False)},
        text="On this date no USMLE attempt limit was in force: the 6-attempt limit applied to applications "
             "from 2012-01-01 (and 4 attempts from 2021-07-01). Every attempt still shows on the transcript.",
        source=policy.ECFMG_REPEAT_NEWS, until=policy.SIX_ATTEMPT_ERA, confidence="medium-high", priority=Priority.POLICY_DETAIL,
    ),
    Rule(
        id="usmle.attempt-limit-other-step",
        title="The attempt limit reached at another Step ends eligibility for every Step",
        when={"eligibility": fact("eligibility", plugin="usmle", blocked_by="ineligible-all-steps"),
              "other": fact("usmle.other-step-exhausted")},
        then=[decision("not_allowed")],
        text="{usmle_other_step_exhausted.attempts} attempts at {usmle_other_step_exhausted.step_name} without a "
             "pass reach the limit of {usmle_other_step_exhausted.limit}: four attempts at any Step without passing "
             "make the examinee ineligible for every USMLE Step, {case.exam_name} included.",
        source=policy.ATTEMPT_LIMIT, effective=policy.ATTEMPTS.latest.effective, priority=Priority.POLICY,
    ),
    Rule(
        id="usmle.time-limit-needs-full-sequence",
        title="The time-limit exception needs the full USMLE sequence",
        when={"sequence": fact("usmle.sequence-incomplete")},
        text="exceptions.time_limit_expired does not apply: a board can ask for a passed Step to be retaken "
             "only once the full USMLE sequence, Step 3 included, is complete, and your profile shows no "
             "pass at {usmle_sequence_incomplete.missing}. Your pass of {case.exam_name} stands.",
        source=policy.SCORES_FAQ, priority=Priority.POLICY + 2, effective_note="long-standing",
    ),
    Rule(
        id="usmle.waiting-period",
        title="A waiting period applies before the next attempt",
        when={"record": fact("usmle.record", waiting=True)},
        text="The next attempt at {case.exam_name} may be sat from {usmle_record.earliest}: at most "
             "three attempts at a Step in 12 months, and the fourth at least 12 months after the "
             "first and 6 months after the most recent.",
        source=policy.ECFMG_REPEAT_NEWS, effective=policy.WAITING_RULES_EFFECTIVE, priority=Priority.POLICY_DETAIL,
    ),
    Rule(
        id="usmle.time-limit-exception",
        title="A board's time limit invalidated the earlier pass",
        when={"record": fact("usmle.record", time_limit_expired=True)},
        text="Your board's time limit for completing the USMLE expired, which is the one case in which "
             "a passed Step may be taken again. It applies only when the board shows that you applied for "
             "a licence, met its other requirements and completed the full USMLE sequence, Step 3 "
             "included, and it is asked for only after the limit expired: keep the board's written "
             "requirement, you will need to show it.",
        source=policy.ECFMG_BOOKLET, priority=Priority.POLICY_DETAIL, effective_note="long-standing",
    ),
    Rule(
        id="usmle.transcript-shows-every-attempt",
        title="Every attempt shows on the transcript",
        when={"record": fact("usmle.record", gte("attempts", 2))},
        then=[red_flag("usmle-transcript", "Your USMLE transcript shows {usmle_record.every_attempt} "
                                           "attempts, failures and incomplete ones included.")],
        text="Programs see every USMLE attempt, not only the best one: each further attempt is read "
             "alongside the earlier ones.",
        source=policy.TRANSCRIPT, confidence="medium-high", priority=Priority.CONTEXT, effective_note="long-standing",
    ),
    Rule(
        id="usmle.step1-pass-fail",
        title="Step 1 reports pass or fail only",
        when={"case": fact("case", exam="usmle-step1", has_score=False)},
        text="Step 1 sittings from 2022-01-26 report only pass or fail, so Step 2 CK carries the "
             "score programs read.",
        source=policy.STEP1_PF, effective=policy.STEP1_PASS_FAIL_FROM, priority=Priority.CONTEXT + 5,
    ),
    Rule(
        id="usmle.context.nrmp-step2ck",
        title="How non-US IMGs who matched and did not match scored (NRMP 2026)",
        when={"context": fact("usmle.nrmp", has_score=True, same_medians=False)},
        text="Context, not a prediction: in the {usmle_nrmp.year} Main Residency Match, non-US IMGs who "
             "preferred {usmle_nrmp.specialty} and matched had a median Step 2 CK of "
             "{usmle_nrmp.matched_median} (middle half {usmle_nrmp.matched_iqr}); those who did not match, "
             "{usmle_nrmp.unmatched_median} ({usmle_nrmp.unmatched_iqr}). {usmle_nrmp.matched} of "
             "{usmle_nrmp.preferring} matched. Your score: {usmle_nrmp.score:g}. NRMP says these figures are "
             "not designed to predict who matches; they were transcribed from a public extraction of the "
             "report and are held with medium confidence until checked against its pages.",
        source=nrmp.SOURCE, confidence=nrmp.CONFIDENCE, priority=Priority.CONTEXT + 6, effective_note="2026 Match data",
    ),
    Rule(
        id="usmle.context.nrmp-step2ck-no-separation",
        title="Step 2 CK does not separate who matches in this specialty (NRMP 2026)",
        when={"context": fact("usmle.nrmp", has_score=True, same_medians=True)},
        text="Context, not a prediction: in the {usmle_nrmp.year} Main Residency Match, non-US IMGs who "
             "preferred {usmle_nrmp.specialty} had about the same median Step 2 CK whether they matched "
             "({usmle_nrmp.matched_median}, middle half {usmle_nrmp.matched_iqr}) or not "
             "({usmle_nrmp.unmatched_median}, {usmle_nrmp.unmatched_iqr}). A higher Step 2 CK does not "
             "separate who matches there: the rest of the application does. Your score: "
             "{usmle_nrmp.score:g}. Figures transcribed from a public extraction of the report (medium "
             "confidence until checked against its pages).",
        source=nrmp.SOURCE, confidence=nrmp.CONFIDENCE, priority=Priority.CONTEXT + 6, effective_note="2026 Match data",
    ),
    Rule(
        id="usmle.context.nrmp-match-rate",
        title="How often non-US IMGs matched (NRMP 2023-2025)",
        when={"case": fact("case", one_of("exam", ("usmle-step2ck", "usmle-step3"))), "target": fact("target", country="US")},
        text="Context, not a chance of success: " + nrmp.MATCH_RATES[2025] + " of non-US IMG applicants matched in "
             "the 2025 Main Residency Match (" + nrmp.MATCHED_2025 + " of " + nrmp.APPLICANTS_2025 + "; "
             + nrmp.MATCH_RATES[2024] + " in 2024, " + nrmp.MATCH_RATES[2023] + " in 2023), and "
             + nrmp.US_CITIZEN_IMG_RATE_2025 + " of US-citizen IMGs in 2025.",
        source=nrmp.MATCH_RATE_SOURCE, priority=Priority.CONTEXT + 7, effective_note="2025 Match data",
    ),
    Rule(
        id="usmle.gain-within-noise",
        title="A predicted Step 2 CK gain within measurement noise",
        when={"case": fact("case", exam="usmle-step2ck", passed=True),
              "plan": fact("plan", gt("gain", 0), lte("gain", same("small_gain")), has_prediction=True)},
        text="A predicted gain of {plan.gain:g} points is within about two standard errors of measurement of "
             "Step 2 CK (the SEM is about 6 points, so about {plan.small_gain:g}): a difference that size "
             "cannot be told apart from noise, and practice-test predictions themselves miss by about "
             "7.7-7.8 points on average.",
        source=policy.STEP2CK_GAIN_SOURCE, priority=Priority.CONTEXT, effective_note="no policy date",
    ),
) + tuple(rule for exam_id, source in STANDARD_SOURCES.items() for rule in _standard_rules(exam_id, source))
