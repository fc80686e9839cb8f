"""PLAB and GMC English-test rules: what the GMC forbids or requires, each with its source.

Every `blocked_by` code `eligibility.py` emits has a rule concluding `not_allowed` here. Facts:
`plab.record` (PLAB 1/2: failures, limit, deadline, regime, additional attempt state), `plab.margin`
(a PLAB 1 score against its sitting's pass mark), `plab.english` (IELTS/OET: met, shortfall, validity).
"""

from __future__ import annotations

from core.exams import stale_policy_rule
from core.rules import Priority, Rule, action, decision, fact, gt, lt, one_of, red_flag
from plugins.plab import bands, policy, uk_context

PARTS = ("plab1", "plab2")
ENGLISH = ("ielts-academic", "oet-medicine")

POLICY_RULES = (
    Rule(
        id="plab.passed-part-final",
        title="A passed PLAB part is treated as final (unconfirmed)",
        when={"eligibility": fact("eligibility", plugin="plab", blocked_by="passed-final")},
        then=[decision("not_allowed"),
              {"t": "headline", "text": "A retake is not allowed: you passed {case.exam_name}, and the GMC offers "
                                        "another sitting only after a fail (unconfirmed), so your pass stands."}],
        text="You passed {case.exam_name}. The GMC's guides describe booking another sitting only after a "
             "fail, and no statement allowing a passed part to be sat again was found, so this product "
             "treats your pass as final for as long as it stays valid. This is unconfirmed: ask the GMC "
             "before planning a resit.",
        source=policy.NO_RESIT_STATEMENT, confidence="unconfirmed", priority=Priority.POLICY,
    ),
    Rule(
        id="plab.attempts-exhausted",
        title="Every PLAB attempt, the additional one included, is used",
        when={"eligibility": fact("eligibility", plugin="plab", blocked_by="attempts-exhausted"),
              "record": fact("plab.record")},
        then=[decision("not_allowed")],
        text="{plab_record.failures} unsuccessful sittings of {case.exam_name}: the four regular attempts and "
             "the one additional attempt are all used, and the GMC offers no further attempt.",
        source=policy.ADDITIONAL_ATTEMPT, priority=Priority.POLICY,
    ),
    Rule(
        id="plab.additional-attempt-evidence-missing",
        title="The additional attempt needs evidence you do not report yet",
        when={"eligibility": fact("eligibility", plugin="plab", blocked_by="additional-attempt-evidence-missing"),
              "record": fact("plab.record")},
        then=[decision("not_allowed"),
              action("plab-build-evidence", "Build the evidence the GMC asks for before applying for the "
                                            "additional attempt: {plab_record.missing}.")],
        text="Four attempts at {case.exam_name} have not passed. One more, final attempt can be applied for "
             "only at least 12 months after the fourth fail (here from {plab_record.wait_ends}) and with "
             "either a postgraduate qualification or 12 months of full-time (or equivalent) direct patient "
             "care with structured reports, completed in the 2 years before the request at an institution "
             "the GMC can verify; observerships do not count. Still missing: {plab_record.missing}. Until "
             "then no attempt is allowed.",
        source=policy.ADDITIONAL_ATTEMPT, priority=Priority.POLICY,
    ),
    Rule(
        id="plab.additional-attempt-evidence-window",
        title="The clinical practice must be recent, full-time and not an observership",
        when={"record": fact("plab.record", one_of("additional", ("waiting", "open")))},
        text="The GMC counts clinical practice for the additional attempt only when it is full-time (or "
             "equivalent) direct patient care with structured reports, completed in the 2 years before you "
             "apply, at a verifiable institution; observerships do not count. The product sees only the "
             "number of months you report, not when or how they were done: check yours against this "
             "before applying."
             + " For PLAB 2, the additional attempt can also need PLAB 1 again if its validity has lapsed.",
        source=policy.ADDITIONAL_ATTEMPT, priority=Priority.POLICY_DETAIL,
    ),
    Rule(
        id="plab.additional-attempt-waiting",
        title="The additional attempt has a 12-month wait",
        when={"record": fact("plab.record", additional="waiting")},
        text="Your next sitting of {case.exam_name} would be the additional, final attempt. The GMC allows it "
             "only 12 months or more after the fourth fail: from {plab_record.wait_ends}.",
        source=policy.ADDITIONAL_ATTEMPT, priority=Priority.POLICY_DETAIL,
    ),
    Rule(
        id="plab.additional-attempt-last",
        title="The additional attempt is the last one",
        when={"record": fact("plab.record", one_of("additional", ("waiting", "open")))},
        then=[red_flag("plab-last-attempt", "Your next {case.exam_name} sitting is your last: a fail ends "
                                             "eligibility for this part."),
              action("plab-apply-additional", "Apply to the GMC for the additional attempt with your evidence, "
                                              "and sit only when you are consistently clearing the pass mark.")],
        text="After four fails the GMC allows one additional attempt on application; if it is not passed, "
             "no further attempt is possible.",
        source=policy.ADDITIONAL_ATTEMPT, priority=Priority.POLICY_DETAIL,
    ),
    Rule(
        id="plab.attempt-count",
        title="Four attempts per PLAB part",
        when={"record": fact("plab.record", gt("failures", 0), lt("failures", policy.ATTEMPTS_PER_PART.latest.value)),
              "eligibility": fact("eligibility", plugin="plab", passed=False)},
        text="{plab_record.failures} of the {plab_record.limit} regular attempts at {case.exam_name} are used. "
             "After a fourth fail only one additional attempt is possible, on application and after a wait.",
        source=policy.ADDITIONAL_ATTEMPT, priority=Priority.POLICY_DETAIL,
    ),
    Rule(
        id="plab.plab2-window",
        title="PLAB 2 must be passed within two years of the PLAB 1 test date",
        when={"record": fact("plab.record", exam="plab1", has_deadline=True, regime="two-years")},
        text="Your PLAB 1 pass lets you pass PLAB 2 until {plab_record.deadline}: two years counted from the "
             "PLAB 1 test date (not the results day), the test date being day one.",
        source=policy.PLAB2_BOOKING, priority=Priority.DEADLINES,
    ),
    Rule(
        id="plab.plab2-window-extended",
        title="The COVID-19 extension gave this PLAB 1 pass three years",
        when={"record": fact("plab.record", exam="plab1", has_deadline=True, regime="extended")},
        text="Your PLAB 1 pass came under the GMC's temporary three-year validity (passes from 2018-03-15, "
             "an extension that ended on 2025-03-31): it allowed PLAB 2 to be passed until {plab_record.deadline}.",
        source=policy.COVID_VALIDITY, effective=None, priority=Priority.DEADLINES,
    ),
    Rule(
        id="plab.plab2-window-cut-short",
        title="The end of the COVID-19 extension cut this PLAB 1 window short",
        when={"record": fact("plab.record", exam="plab1", has_deadline=True, regime="cut-short")},
        text="Your PLAB 1 pass had the temporary three-year validity, but the GMC ended that extension on "
             "2025-03-31, so the pass could be used until {plab_record.deadline}; PLAB 2 bookings made before "
             "then were honoured even for later dates.",
        source=policy.PLAB2_BOOKING, priority=Priority.DEADLINES,
    ),
    Rule(
        id="plab.plab1-pass-lapsed",
        title="The PLAB 1 pass is no longer valid",
        when={"record": fact("plab.record", exam="plab1", lapsed=True)},
        then=[action("plab-check-plab2", "If you passed PLAB 2 before {plab_record.lapsed_on}, your PLAB 1 pass "
                                         "has done its job; otherwise plan to sit PLAB 1 again.")],
        text="Your PLAB 1 pass stopped being valid on {plab_record.lapsed_on}. Unless PLAB 2 was passed before "
             "then, PLAB 1 has to be passed again. Whether earlier PLAB 1 fails still count toward the four "
             "attempts is unconfirmed; this verdict counts them.",
        source=policy.PLAB2_BOOKING, confidence="unconfirmed", priority=Priority.DEADLINES,
    ),
    Rule(
        id="plab.registration-window",
        title="Registration within two years of the PLAB 2 pass",
        when={"record": fact("plab.record", exam="plab2", has_deadline=True)},
        then=[action("plab-register", "Apply for registration with a licence to practise so that it is approved "
                                      "by {plab_record.deadline}.")],
        text="Have your GMC registration with a licence to practise approved by {plab_record.deadline}, two years "
             "from the PLAB 2 test date; after that the GMC asks for extra evidence of your knowledge and skills.",
        source=policy.PLAB2_AFTER_RESULTS, priority=Priority.DEADLINES,
    ),
    Rule(
        id="plab.plab2-needs-valid-plab1",
        title="PLAB 2 counts only while the PLAB 1 pass is valid",
        when={"eligibility": fact("eligibility", exam="plab2", passed=False)},
        text="A PLAB 2 pass counts only if it comes while your PLAB 1 pass is valid: two years from the PLAB 1 "
             "test date (three for passes from 2018-03-15 until the extension ended on 2025-03-31). Check that "
             "date before booking; a PLAB 1 profile shows it as a deadline.",
        source=policy.PLAB2_BOOKING, priority=Priority.DEADLINES + 5,
    ),
    Rule(
        id="plab.plab2-marking",
        title="PLAB 2 is judged by its result",
        when={"case": fact("case", exam="plab2")},
        text="PLAB 2 is read from the result you give. Since November 2024 a pass needs an overall score at "
             "or above the sum of the station cut scores plus one standard error and a minimum number of "
             "stations set for each exam; how that minimum is computed is unconfirmed, so the product does "
             "not recompute results from station counts.",
        source=policy.PLAB2_MARKING, confidence="unconfirmed", priority=Priority.SCORE,
    ),
    Rule(
        id="plab.plab1-pass-mark-per-sitting",
        title="PLAB 1 is judged against its sitting's own pass mark",
        when={"margin": fact("plab.margin")},
        text="Your PLAB 1 score of {plab_margin.score:g} is read against that sitting's own pass mark of "
             "{plab_margin.pass_mark:g} (the GMC sets one for each sitting), a margin of {plab_margin.margin:g} "
             "marks: {plab_margin.band}.",
        source=policy.PLAB1_RESULTS, effective=policy.PLAB1_FORMAT_FROM, priority=Priority.SCORE,
    ),
    Rule(
        id="plab.margin-bands-heuristic",
        title="PLAB 1 margin bands are the project's heuristic",
        when={"margin": fact("plab.margin"), "band": fact("band", basis="margin", heuristic=True)},
        text="The borderline / clear / strong bands (0-4, 5-14, 15+ marks over the pass mark) are this "
             "project's heuristic, not a GMC scale. UK posts seldom ask for a PLAB score outright, but a "
             "borderline pass can sit below what many NHS trusts and training posts prefer (the decision "
             "framework's reading): that is what these bands weigh.",
        source=bands.HEURISTIC, confidence="medium", priority=Priority.SCORE + 1,
    ),
)

ENGLISH_RULES = (
    Rule(
        id="plab.english.met",
        title="The GMC's English minimums are met in one sitting",
        when={"english": fact("plab.english", met=True)},
        text="Your most recent {plab_english.test} sitting meets the GMC's minimums on its own "
             "(IELTS: 7.5 overall and 7.0 in each skill; OET: grade B in each sub-test). It is valid until "
             "{plab_english.valid_until}.",
        source=policy.ENGLISH, priority=Priority.DEADLINES,
    ),
    Rule(
        id="plab.english.not-met",
        title="The GMC's English minimums are not met",
        when={"english": fact("plab.english", met=False, expired=False, has_margin=True)},
        then=[{"t": "headline", "text": "Your latest {plab_english.test} sitting misses the GMC's minimum in "
                                        "{plab_english.shortfall}: resit it (or take the other accepted test) "
                                        "and meet every minimum in one sitting."}],
        text="Your latest {plab_english.test} sitting falls short of the GMC's minimums: {plab_english.shortfall}. "
             "A new sitting can be booked at once; there is no attempt limit.",
        source=policy.ENGLISH, priority=Priority.DEADLINES,
    ),
    Rule(
        id="plab.english.expired",
        title="The English result is more than two years old",
        when={"english": fact("plab.english", expired=True)},
        text="Your passing {plab_english.test} result stopped being valid on {plab_english.expired_on}: the GMC "
             "needs a result less than two years old on your PLAB 1 test date and when registration is approved.",
        source=policy.ENGLISH, priority=Priority.DEADLINES,
    ),
    Rule(
        id="plab.english.validity-window",
        title="English results are valid for two years",
        when={"english": fact("plab.english", met=True)},
        then=[action("plab-english-timing", "Time your PLAB 1 sitting and registration so both fall on or before "
                                            "{plab_english.valid_until}, or plan a new English test.")],
        text="An English test result must be under two years old on the PLAB 1 test date and when the GMC "
             "approves registration: yours runs out after {plab_english.valid_until}.",
        source=policy.ENGLISH, priority=Priority.DEADLINES + 5,
    ),
    Rule(
        id="plab.english.most-recent-sitting",
        title="The most recent sitting replaces an earlier pass",
        when={"english": fact("plab.english", earlier_pass_replaced=True)},
        text="Your {plab_english.test} sitting of {plab_english.replaced_pass} met the minimums, but the GMC's "
             "criteria ask for the scores in your most recent sitting, and your sitting of {plab_english.latest} "
             "does not meet them: the later result replaces the earlier pass. This reading rests on the GMC's "
             "published criteria as mirrored in 2022-2024 (medium confidence): check the GMC's live page, or "
             "send the earlier certificate only after confirming with the GMC that it is accepted.",
        source=policy.MOST_RECENT, confidence="medium", priority=Priority.DEADLINES - 1,
    ),
    Rule(
        id="plab.english.test-version",
        title="Only IELTS Academic in person and OET Medicine count",
        when={"english": fact("plab.english", met=True)},
        text="The GMC accepts IELTS Academic taken in person (IELTS Indicator and IELTS Online were accepted "
             "only for a time) and OET Medicine: General Training, online versions and other OET professions "
             "do not count. Check that your certificate is one of these.",
        source=policy.TEST_VERSIONS, confidence="medium-high", priority=Priority.DEADLINES + 1,
    ),
    Rule(
        id="plab.english.no-combining",
        title="Results from two sittings are not combined (unconfirmed)",
        when={"english": fact("plab.english", combined_would_meet=True)},
        text="Taking your best result per skill across sittings would meet the minimums, but no single sitting "
             "does. Whether the GMC accepts results combined from two sittings is unconfirmed, so this "
             "product never assumes it: plan for one sitting that meets every minimum.",
        source=policy.COMBINING, confidence="unconfirmed", priority=Priority.DEADLINES + 5,
    ),
    Rule(
        id="plab.english.retakes-routine",
        title="English tests are commonly retaken",
        when={"english": fact("plab.english", met=True)},
        text="English tests have no attempt limit and are often retaken: only the result you send counts, so "
             "the usual worry about repeat attempts weighs less here.",
        source=policy.ENGLISH, confidence="medium", priority=Priority.SCORE,
    ),
    Rule(
        id="plab.english.bands-heuristic",
        title="English bands are the project's heuristic",
        when={"english": fact("plab.english", has_margin=True), "band": fact("band", basis="margin", heuristic=True)},
        text="'Meets' and 'exceeds' are this project's reading of how far a result sits above the GMC "
             "minimums (in IELTS half bands or OET grades), not a GMC scale.",
        source=bands.HEURISTIC, confidence="medium", priority=Priority.SCORE + 1,
    ),
)

PLAB_PART = fact("case", one_of("exam", ("plab1", "plab2")))  # context for PLAB verdicts, not English tests


def _ratio_rule(r: uk_context.CompetitionRatio) -> Rule:
    return Rule(
        id=f"plab.context.ratio-{r.specialty_id}",
        title=f"UK context: competition for {r.programme} ({r.year})",
        when={"case": PLAB_PART, "target": fact("target", country="GB", specialty=r.specialty_id)},
        text=f"Context, not a chance of success: {r.programme} had {r.text} in {r.year} recruitment "
             f"(secondary figures, {r.confidence} confidence). Offers weigh the whole application, of which "
             "the exam is one part.",
        source=r.source, confidence=r.confidence, priority=Priority.CONTEXT + 5,
        effective_note=f"{r.year} recruitment data",
    )


_RATIO_IDS = tuple(r.specialty_id for r in uk_context.RATIOS)

CONTEXT_RULES = tuple(_ratio_rule(r) for r in uk_context.RATIOS) + (
    Rule(
        id="plab.context.ratio-not-recorded",
        title="UK context: no competition ratio recorded for this specialty",
        when={"case": PLAB_PART,
              "target": fact("target", {"$and": [{"$neq": {"specialty": s}} for s in _RATIO_IDS]}, country="GB")},
        text="No competition ratio for {target.specialty_name} training is recorded in this product's sources: "
             "that is unknown, not easy. The NHS England competition ratios are published each recruitment year.",
        source=uk_context.RATIOS_2024, confidence="medium", priority=Priority.CONTEXT + 5,
        effective_note="2024 recruitment data",
    ),
    Rule(
        id="plab.context.uk-graduates-first",
        title="UK context: UK graduates and settled applicants are prioritised (medium confidence)",
        when={"case": PLAB_PART, "target": fact("target", country="GB")},
        text="Medium confidence (from secondary text, not yet checked against the Act): the Medical Training "
             "(Prioritisation) Act 2026 puts UK graduates and settled applicants first for 2026 training offers "
             "and for interviews from 2027. Unless you are one of them, this weighs more on your chances of an "
             "offer than any PLAB margin.",
        source=uk_context.PRIORITISATION, confidence=uk_context.PRIORITISATION_CONFIDENCE,
        effective=uk_context.PRIORITISATION_FROM, priority=Priority.CONTEXT + 4,
    ),
    Rule(
        id="plab.context.uk-routes",
        title="UK context: most IMGs start in non-training posts",
        when={"case": fact("case", plugin="plab", passed=True), "target": fact("target", country="GB")},
        text="In the UK many IMGs start in non-training NHS posts and apply for specialty training later; "
             "competitive and oversubscribed training posts weigh the whole application, of which the exam "
             "is one part.",
        source=policy.PLAB2_AFTER_RESULTS, confidence="medium", priority=Priority.CONTEXT + 6,
    ),
)

# Rules across exams (issue 11): facts from `across.py`, present only when the profile lists the other exam.
ENGLISH_ON_PLAB1 = ("Your {plab_english_on_plab1.test} result of {plab_english_on_plab1.test_date} was under two "
                    "years old on your PLAB 1 test date ({plab_english_on_plab1.plab1_date}), so it ")
ACROSS_RULES = (
    Rule(
        id="plab.english-valid-on-plab1-date",
        title="Your English result was valid on the PLAB 1 test date",
        when={"english": fact("plab.english-on-plab1", valid=True, lapsed=False)},
        text=ENGLISH_ON_PLAB1 + "counts as English evidence for that sitting. It must be valid again on the day registration is approved: its last valid day is "
             "{plab_english_on_plab1.last_valid}.",
        source=policy.ENGLISH, priority=Priority.DEADLINES + 2, effective_note="long-standing",
    ),
    Rule(
        # The same sitting read later: it counted for PLAB 1, but has lapsed since, so saying only
        # "its last valid day is ..." (a past day) would read as if it still counted. What to do about
        # it (a new sitting) is the English verdict's to say, not PLAB 1's.
        id="plab.english-valid-on-plab1-date-lapsed-since",
        title="Your English result counted on the PLAB 1 test date but has lapsed since",
        when={"english": fact("plab.english-on-plab1", valid=True, lapsed=True)},
        text=ENGLISH_ON_PLAB1 + "counted as English evidence for that sitting. Its last valid day was {plab_english_on_plab1.last_valid}: it has lapsed since, and the "
             "day registration is approved needs a result that is valid then.",
        source=policy.ENGLISH, priority=Priority.DEADLINES + 2, effective_note="long-standing",
    ),
    Rule(
        id="plab.english-not-valid-on-plab1-date",
        title="Your English result was not valid on the PLAB 1 test date",
        when={"english": fact("plab.english-on-plab1", valid=False)},
        then=[red_flag("plab-english-on-plab1", "Your English evidence was not valid on your PLAB 1 test date "
                                                "({plab_english_on_plab1.plab1_date}).")],
        text="The GMC asks for an English result under two years old on the PLAB 1 test date, and "
             "{plab_english_on_plab1.why}: it is refused as evidence for your PLAB 1 sitting of "
             "{plab_english_on_plab1.plab1_date}. Ask the GMC how this affects that sitting before you book PLAB 2.",
        source=policy.ENGLISH, priority=Priority.DEADLINES + 2, effective_note="long-standing",
    ),
    Rule(
        id="plab.plab2-within-plab1-window",
        title="PLAB 2 must be passed within your PLAB 1 pass's window",
        when={"window": fact("plab.plab1-window")},
        text="Your PLAB 1 pass of {plab_plab1_window.plab1_date} sets the PLAB 2 window: "
             "{plab_plab1_window.window}, so PLAB 2 must be passed by {plab_plab1_window.deadline}.",
        source=policy.PLAB2_BOOKING, priority=Priority.DEADLINES + 1,
        effective_note="two-year window; three years under the COVID-19 extension, which ended on 2025-03-31",
    ),
    Rule(
        id="plab.additional-plab2-needs-plab1-again",
        title="The additional PLAB 2 attempt comes after your PLAB 1 pass has lapsed",
        when={"window": fact("plab.plab1-window", state="closed"),
              "record": fact("plab.record", one_of("additional", ("waiting", "open", "missing")), exam="plab2")},
        then=[action("plab-plab1-again", "Plan to pass PLAB 1 again before the additional PLAB 2 attempt: your "
                                         "PLAB 1 pass of {plab_plab1_window.plab1_date} stopped counting after "
                                         "{plab_plab1_window.deadline}.")],
        text="Your next PLAB 2 sitting would be the additional attempt, and your PLAB 1 pass of "
             "{plab_plab1_window.plab1_date} counted only until {plab_plab1_window.deadline} "
             "({plab_plab1_window.window}). The GMC's additional-attempt rules say PLAB 1 can be needed again when "
             "its validity has lapsed: expect to pass PLAB 1 again first.",
        source=policy.ADDITIONAL_ATTEMPT, priority=Priority.DEADLINES + 1,
        effective_note="two-year window; three years under the COVID-19 extension, which ended on 2025-03-31",
    ),
    Rule(
        id="plab.additional-plab2-within-plab1-window",
        title="The additional PLAB 2 attempt must fit inside your PLAB 1 window",
        when={"window": fact("plab.plab1-window", state="open"),
              "record": fact("plab.record", one_of("additional", ("waiting", "open", "missing")), exam="plab2")},
        text="Your next PLAB 2 sitting would be the additional attempt. It must be passed by "
             "{plab_plab1_window.deadline}, while your PLAB 1 pass of {plab_plab1_window.plab1_date} still counts; "
             "after that the GMC can ask for PLAB 1 again.",
        source=policy.ADDITIONAL_ATTEMPT, priority=Priority.DEADLINES + 1,
        effective_note="two-year window; three years under the COVID-19 extension, which ended on 2025-03-31",
    ),
    Rule(
        id="plab.english-at-registration-covers",
        title="Your English result stays valid through the registration window",
        when={"english": fact("plab.english-at-registration", state="covers")},
        text="Your {plab_english_at_registration.test} result stays valid until "
             "{plab_english_at_registration.english_last_valid}, past the last day of your registration window "
             "({plab_english_at_registration.registration_last_day}): it counts on whatever day in the window "
             "the GMC approves registration.",
        source=policy.ENGLISH, priority=Priority.DEADLINES + 2, effective_note="long-standing",
    ),
    Rule(
        id="plab.english-at-registration-earlier",
        title="Your English result runs out before the registration window closes",
        when={"english": fact("plab.english-at-registration", state="earlier")},
        then=[action("plab-register-before-english-ends",
                     "Have registration approved by {plab_english_at_registration.english_last_valid}, while your "
                     "{plab_english_at_registration.test} result is still valid, or plan a new English test.")],
        text="The GMC needs your English result to be valid again on the day it approves registration. Your "
             "{plab_english_at_registration.test} result is valid until "
             "{plab_english_at_registration.english_last_valid}, before your registration window closes "
             "({plab_english_at_registration.registration_last_day}): registration approved after that day needs "
             "a new English result.",
        source=policy.ENGLISH, priority=Priority.DEADLINES + 2, effective_note="long-standing",
    ),
    Rule(
        id="plab.english-at-registration-none",
        title="No valid English result for registration",
        when={"english": fact("plab.english-at-registration", state="none")},
        then=[red_flag("plab-english-for-registration", "No English result of yours is valid today: registration "
                                                        "needs one that is valid on the day it is approved."),
              action("plab-new-english-test", "Book a new IELTS Academic or OET Medicine sitting before you apply "
                                              "for registration.")],
        text="The GMC needs an English result that is valid on the day it approves registration, and your "
             "{plab_english_at_registration.test} result is not valid today (too old, or below a minimum): "
             "a new result is needed before registration.",
        source=policy.ENGLISH, priority=Priority.DEADLINES + 2, effective_note="long-standing",
    ),
    Rule(
        id="plab.plab2-passed-after-window",
        title="PLAB 2 was passed after the PLAB 1 window closed",
        when={"window": fact("plab.plab1-window", state="late")},
        then=[red_flag("plab-plab2-late", "Your PLAB 2 pass of {plab_plab1_window.plab2_date} came after your "
                                          "PLAB 1 window closed ({plab_plab1_window.deadline}).")],
        text="Your PLAB 2 pass of {plab_plab1_window.plab2_date} came after the last day of your PLAB 1 window "
             "({plab_plab1_window.deadline}): unless a booking made in time was honoured, the GMC can ask you to "
             "pass PLAB 1 again.",
        source=policy.PLAB2_BOOKING, priority=Priority.DEADLINES + 1,
        effective_note="two-year window; three years under the COVID-19 extension, which ended on 2025-03-31",
    ),
)

FRESHNESS_RULES = (stale_policy_rule("plab", "GMC", policy.POLICIES_CHECKED),)

RULES: tuple[Rule, ...] = FRESHNESS_RULES + POLICY_RULES + ENGLISH_RULES + CONTEXT_RULES + ACROSS_RULES
