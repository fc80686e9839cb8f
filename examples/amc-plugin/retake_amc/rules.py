"""AMC rules: what the AMC requires or forbids, each with its source and how sure we are."""

from __future__ import annotations

from core import Priority, Rule
from core.rules import decision, fact, gt

from retake_amc import policy

NOT_PASSED = fact("eligibility", plugin="amc", passed=False)

RULES = (
    Rule(
        id="amc.passed-final",
        title="A passed AMC examination is treated as final",
        when={"eligibility": fact("eligibility", plugin="amc", blocked_by="passed-final")},
        then=[decision("not_allowed")],
        text="You passed the {case.exam_name}. The AMC describes booking a sitting only for candidates who have "
             "not passed, and a pass is all Australian employers and the Medical Board look for, so a higher score "
             "buys nothing. Whether a passed AMC exam may be sat again is unconfirmed: no AMC statement either "
             "way was found.",
        source=policy.MCQ_FAQ, confidence="unconfirmed", effective_note="no statement found", priority=Priority.POLICY,
    ),
    Rule(
        id="amc.clinical-no-attempt-limit",
        title="No limit on Clinical Examination attempts",
        when={"eligibility": NOT_PASSED, "case": fact("case", exam="amc-clinical")},
        text="There is no limit on the number of attempts at the AMC Clinical Examination: each further "
             "sitting needs a new booking and fee.",
        source=policy.CLINICAL_RESULTS, effective_note="current AMC page", priority=Priority.POLICY_DETAIL,
    ),
    Rule(
        id="amc.mcq-no-published-limit",
        title="No published limit on MCQ attempts",
        when={"eligibility": NOT_PASSED, "case": fact("case", exam="amc-cat-mcq")},
        text="The AMC publishes no limit on AMC CAT MCQ attempts and no waiting period between them "
             "(unconfirmed: reported by secondary pages). Each sitting needs its own 12-month authorisation "
             "and the full fee.",
        source=policy.MCQ_RETAKE_SECONDARY, confidence="unconfirmed", effective_note="no statement found",
        priority=Priority.POLICY_DETAIL,
    ),
    Rule(
        id="amc.clinical-pass-requirement-9-of-14",
        title="The 9-of-14 pass requirement is not applied to earlier results",
        when={"record": fact("amc.record", exam="amc-clinical", near_miss_9=True)},
        text="Your sitting of {amc_record.near_miss_date} passed 9 of 14 stations, a fail under the 10-of-14 "
             "requirement then in force. The AMC lowered the requirement to 9 of 14 from 21 March 2024 and "
             "does not apply it to earlier results: that sitting stays a fail, but 9 stations now pass.",
        source=policy.CLINICAL_PAGE, effective=policy.PASS_9_OF_14, priority=Priority.DEADLINES,
    ),
    Rule(
        id="amc.mcq-2026-standard",
        title="A slightly higher MCQ standard from 2026",
        when={"eligibility": NOT_PASSED, "case": fact("case", exam="amc-cat-mcq")},
        text="From 2026 the AMC is reported to have raised the MCQ pass standard slightly while still reporting "
             "results against 250 (unconfirmed: secondary pages only). A practice score just above 250 is a "
             "thinner margin than it was.",
        source=policy.MCQ_2026_SECONDARY, effective=policy.MCQ_2026_STANDARD, confidence="unconfirmed", priority=Priority.DEADLINES,
    ),
    Rule(
        id="amc.mcq-incomplete-is-a-fail",
        title="An incomplete MCQ sitting is recorded as a fail",
        when={"record": fact("amc.record", gt("incompletes", 0), exam="amc-cat-mcq")},
        text="An AMC CAT MCQ sitting in which the scored items are not all completed is recorded as 'Fail - "
             "insufficient data to obtain result'; you have {amc_record.incompletes} such sitting(s).",
        source=policy.MCQ_INCOMPLETE_SECONDARY, confidence="medium", priority=Priority.DEADLINES,
    ),
    Rule(
        id="amc.results-do-not-expire",
        title="AMC results do not expire",
        when={"case": fact("case", exam="amc-cat-mcq", passed=True)},
        text="There is no time limit on any part of the AMC examination process: your MCQ pass stays valid "
             "for the Clinical Examination, so there is no clock forcing a decision.",
        source=policy.CLINICAL_FAQ, confidence="medium-high", effective_note="older AMC FAQ page", priority=Priority.CONTEXT + 5,
    ),
    Rule(
        id="amc.clinical-needs-mcq",
        title="The Clinical Examination follows an MCQ pass",
        when={"case": fact("case", exam="amc-clinical")},
        text="The AMC Clinical Examination is open only to candidates who have passed the AMC CAT MCQ; a pass "
             "completes the AMC examinations of the Standard Pathway.",
        source=policy.CLINICAL_FAQ, confidence="medium-high", effective_note="older AMC FAQ page", priority=Priority.CONTEXT + 5,
    ),
)
