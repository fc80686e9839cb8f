"""The decision framework as rules: the flowchart, red flags, reality check, costs, alternatives.

Facts the core asserts for every case (their fields are documented in `core/facts.py`):
`clock`, `case`, `eligibility`, `target`, `band` (when the score has one), `predicted_band`
(when a predicted score has one), `plan`, `programs`, `application`.

The flowchart (seed section 7): B blocks target? no -> C; yes -> D big improvement realistic?
no -> E; yes -> F programs accept retakes? no -> G; yes -> H early enough? no -> I; yes -> J.
It is asked only once the exam is passed: before that, the exam must simply be retaken.
When the policy forbids a retake (`not_allowed`) the score stands: the flowchart stops at B and
ends at C (the score does not block the target) or E (it does); D, F, H and every retake cost,
goal and "reason not to retake" stay silent, since there is no retake to weigh.

Tones: a red flag carries `tone` "warning" for a real danger (a fail on the record, a last
attempt); the other red flags are the seed's reasons not to retake ("neutral", or "reassurance"
for good news such as a score that already fits).
"""

from __future__ import annotations

from core.dated_values import Source
from core.rules import (
    Rule, action, answer, decision, fact, gt, gte, lt, lte, ne, one_of, outcome, red_flag, ref, same,
)
from core.vocabulary import KEEP_ENDS

SEED = "seed/retake-decision-framework.txt"


def _seed(section: str) -> Source:
    return Source(f"Retake decision framework, {section}", SEED)


S1 = _seed("section 1 (how programs read a low pass)")
S2 = _seed("section 2 (when retaking helps)")
S3 = _seed("section 3 (specialty reality check)")
S4 = _seed("section 4 (hidden costs of retaking)")
S5 = _seed("section 5 (red flags)")
S6 = _seed("section 6 (alternatives to retaking)")
S7 = _seed("section 7 (decision flowchart)")
FAQ = _seed("FAQ 1 (clean low pass vs higher score after a fail)")
FAQ4 = _seed("FAQ 4 (research and a low score)")

PASSED = fact("case", passed=True)
RETAKE_POSSIBLE = fact("eligibility", can_retake=True)
SCORE_STANDS = fact("eligibility", passed=True, can_retake=False)


def _toned(conclusion: dict, tone: str) -> dict:
    return dict(conclusion, tone=tone)


def _asked(question: str, value: bool) -> dict:
    return fact("answer", question=question, value=value)


# --- B: does the current score block the target? -------------------------------------------------
QUESTION_B = [
    Rule(
        id="framework.band-fits-target",
        title="The score's band fits the target",
        when={"case": PASSED, "target": fact("target"),
              "band": fact("band", gte("fits_up_to", ref("target", "demand")), index_reading=True)},
        then=[answer("blocks_target", False)],
        text="A score in the {band.label} band usually fits targets up to {band.fits_up_to} on the "
             "competitiveness index; {target.specialty_name} ({target.setting_text}) sits at "
             "{target.index_text}, so the score is not what stands in the way.",
        source=S2, priority=20,
    ),
    Rule(
        id="framework.band-below-target",
        title="The score's band falls short of the target",
        when={"case": PASSED, "target": fact("target"),
              "band": fact("band", lt("fits_up_to", ref("target", "demand")), index_reading=True)},
        then=[answer("blocks_target", True)],
        text="A score in the {band.label} band usually fits targets up to {band.fits_up_to} on the "
             "competitiveness index, below {target.specialty_name} ({target.setting_text}) at "
             "{target.index_text}: the score does work against this target.",
        source=S2, priority=20,
    ),
    Rule(
        id="framework.band-meets-bar",
        title="A result that clears a bar is not weighed against the specialty",
        when={"case": PASSED, "band": fact("band", index_reading=False)},
        then=[answer("blocks_target", False)],
        text="Your {case.exam_name} result clears the bar it is for ({band.label}), and {target.programs} "
             "do not rank applicants by it, so it is not what stands in the way of {target.specialty_name}.",
        source=S2, priority=20,
    ),
    Rule(
        id="framework.result-only-pass",
        title="A pass with no numeric score cannot block a target",
        when={"case": fact("case", passed=True, has_score=False)},
        then=[answer("blocks_target", False)],
        text="{case.exam_name} reports only pass or fail for this sitting: {target.programs} see a pass, so "
             "there is no number to improve.",
        source=S1, priority=20,
    ),
    Rule(
        id="framework.unbanded-pass",
        title="A passing score with no known tiers is read as a pass",
        when={"case": fact("case", passed=True, has_score=True, has_band=False)},
        then=[answer("blocks_target", False)],
        text="No score tiers are recorded for {case.exam_name}, so the product reads your score as a "
             "pass and does not judge it as blocking a target.",
        source=S1, priority=20,
    ),
]

# --- D: is a big improvement realistic? ----------------------------------------------------------
BLOCKS = _asked("blocks_target", True)
QUESTION_D = [
    Rule(
        id="framework.gain.no-prediction",
        title="No predicted score",
        when={"blocks": BLOCKS, "retake_possible": RETAKE_POSSIBLE, "plan": fact("plan", has_prediction=False)},
        then=[answer("big_improvement_realistic", False)],
        text="No predicted retake score was given. Without a number backed by practice exams, a "
             "big improvement is a hope, not a plan.",
        source=S2, priority=30,
    ),
    Rule(
        id="framework.gain.needs-evidence",
        title="The predicted score is not backed by practice exams",
        when={"blocks": BLOCKS, "retake_possible": RETAKE_POSSIBLE,
              "plan": fact("plan", {"$neq": {"evidence": "practice-exams"}}, has_prediction=True)},
        then=[answer("big_improvement_realistic", False)],
        text="The predicted score rests on '{plan.evidence}'. Only recent practice-exam results "
             "count as evidence of a real jump.",
        source=S2, priority=30,
    ),
    Rule(
        id="framework.gain.too-small",
        title="The predicted gain is not big enough",
        when={"blocks": BLOCKS, "retake_possible": RETAKE_POSSIBLE,
              "plan": fact("plan", lt("gain", same("big_gain")), has_prediction=True,
                           evidence="practice-exams")},
        then=[answer("big_improvement_realistic", False)],
        text="A predicted gain of {plan.gain:g} is short of the {plan.big_gain:g} that moves a "
             "{case.exam_name} score up a tier.",
        source=S2, priority=30,
    ),
    Rule(
        id="framework.gain.still-short-of-target",
        title="Even the predicted score would not fit the target",
        when={"blocks": BLOCKS, "retake_possible": RETAKE_POSSIBLE, "target": fact("target"),
              "plan": fact("plan", gte("gain", same("big_gain")), has_prediction=True,
                           evidence="practice-exams"),
              "predicted": fact("predicted_band", lt("fits_up_to", ref("target", "demand")))},
        then=[answer("big_improvement_realistic", False)],
        text="Even the predicted {plan.predicted_score:g} would sit in the {predicted_band.label} "
             "band, which usually fits targets up to {predicted_band.fits_up_to}, still short of "
             "{target.index_text} for {target.specialty_name}. A retake would not change the answer.",
        source=S3, priority=30,
    ),
    Rule(
        id="framework.gain.big-with-evidence",
        title="A big gain, backed by practice exams, that reaches the target",
        when={"blocks": BLOCKS, "retake_possible": RETAKE_POSSIBLE, "target": fact("target"),
              "plan": fact("plan", gte("gain", same("big_gain")), has_prediction=True,
                           evidence="practice-exams"),
              "predicted": fact("predicted_band", gte("fits_up_to", ref("target", "demand")))},
        then=[answer("big_improvement_realistic", True)],
        text="Practice exams point to {plan.predicted_score:g}, a gain of {plan.gain:g} (at least "
             "{plan.big_gain:g} counts as big), into the {predicted_band.label} band that fits "
             "{target.specialty_name}.",
        source=S2, priority=30,
    ),
]

# --- F: do the target programs accept retakes? --------------------------------------------------
BIG = _asked("big_improvement_realistic", True)
QUESTION_F = [
    Rule(
        id="framework.programs.accept",
        title="Programs accept retakes",
        when={"big": BIG, "programs": fact("programs", stance="yes")},
        then=[answer("programs_accept_retakes", True)],
        text="You report that your target {target.programs} accept a retaken exam and value the higher score.",
        source=S2, priority=40,
    ),
    Rule(
        id="framework.programs.reject",
        title="Programs turn away repeat attempts",
        when={"big": BIG, "programs": fact("programs", stance="no")},
        then=[answer("programs_accept_retakes", False)],
        text="You report that your target {target.programs} screen out applicants with more than one attempt.",
        source=S2, priority=40,
    ),
    Rule(
        id="framework.programs.unknown-attempts-visible",
        title="Unknown stance, and every attempt is on the record",
        when={"big": BIG, "programs": fact("programs", stance="unknown"),
              "case": fact("case", all_attempts_reported=True, retakes_common=False)},
        then=[answer("programs_accept_retakes", False)],
        text="The view of {target.programs} on retakes is unknown, and {case.exam_name} reports every "
             "attempt. Assumed: a second attempt will count against you until you learn otherwise from "
             "{target.programs} themselves.",
        source=S2, priority=40,
    ),
    Rule(
        id="framework.programs.unknown-retakes-routine",
        title="Unknown stance, but retakes of this exam are routine",
        when={"big": BIG, "programs": fact("programs", stance="unknown"),
              "case": fact("case", retakes_common=True)},
        then=[answer("programs_accept_retakes", True)],
        text="The view of {target.programs} is unknown, but {case.exam_name} is commonly retaken and a better "
             "result is what counts. Assumed: a retake is accepted.",
        source=S2, priority=40,
    ),
    Rule(
        id="framework.programs.unknown-attempts-hidden",
        title="Unknown stance, and programs see only the latest result",
        when={"big": BIG, "programs": fact("programs", stance="unknown"),
              "case": fact("case", all_attempts_reported=False, retakes_common=False)},
        then=[answer("programs_accept_retakes", True)],
        text="The view of {target.programs} is unknown, but they see only your latest {case.exam_name} result. "
             "Assumed: a retake is accepted.",
        source=S2, priority=40,
    ),
]

# --- H: is there time in the application timeline? ----------------------------------------------
ACCEPTED = _asked("programs_accept_retakes", True)
QUESTION_H = [
    Rule(
        id="framework.timeline.enough",
        title="Time to prepare and sit before applications close",
        when={"accepted": ACCEPTED, "plan": fact("plan", gte("slack", 0), has_timeline=True)},
        then=[answer("early_enough", True)],
        text="A retake needs about {plan.months_needed} months from now (preparation, and any "
             "waiting period); applications close in {plan.months_to_application}.",
        source=S2, priority=50,
    ),
    Rule(
        id="framework.timeline.too-late",
        title="Not enough time before applications close",
        when={"accepted": ACCEPTED, "plan": fact("plan", lt("slack", 0), has_timeline=True)},
        then=[answer("early_enough", False)],
        text="A retake needs about {plan.months_needed} months from now (preparation, and any "
             "waiting period), but applications close in {plan.months_to_application}: the result "
             "would miss this cycle.",
        source=S2, priority=50,
    ),
    Rule(
        id="framework.timeline.unknown",
        title="No application timeline given",
        when={"accepted": ACCEPTED, "plan": fact("plan", has_timeline=False)},
        then=[answer("early_enough", False)],
        text="No months to application were given. Assumed: the next cycle is close. Give "
             "plan.months_to_application to have this checked.",
        source=S2, priority=50,
    ),
]

# --- The five ends -------------------------------------------------------------------------------
ENDS = [
    Rule(
        id="framework.end.build-rest-of-cv",
        title="End C: keep the score, build the rest of the application",
        when={"answer": _asked("blocks_target", False)},
        then=[outcome("build_rest_of_cv")],
        text="The score does not block the target: the rest of the application is where effort pays.",
        source=S7, priority=60,
    ),
    Rule(
        id="framework.end.adjust-targets",
        title="End E: adjust the specialty or country targets",
        when={"answer": _asked("big_improvement_realistic", False), "target": fact("target")},
        then=[outcome("adjust_targets")],
        text="The score blocks this target and a retake is unlikely to fix that: choose targets "
             "where people with your score {target.placed}.",
        source=S7, priority=60,
    ),
    Rule(
        id="framework.end.adjust-targets-score-stands",
        title="End E: the score stands and blocks this target",
        when={"answer": _asked("blocks_target", True), "eligibility": SCORE_STANDS},
        then=[outcome("adjust_targets")],
        text="A retake is not possible, so this score is the one {target.programs} will see, and it works "
             "against this target: choose targets where people with your score {target.placed}.",
        source=S7, priority=60,
    ),
    Rule(
        id="framework.end.improve-other-areas",
        title="End G: keep the score, strengthen other areas",
        when={"answer": _asked("programs_accept_retakes", False)},
        then=[outcome("improve_other_areas")],
        text="A higher score could help, but not through a retake your target {target.programs} hold against you: "
             "strengthen the other parts of the application instead.",
        source=S7, priority=60,
    ),
    Rule(
        id="framework.end.apply-with-current-score",
        title="End I: apply with the current score",
        when={"answer": _asked("early_enough", False)},
        then=[outcome("apply_with_current_score")],
        text="A retake could help, but it would not land in time: apply this cycle with what you have.",
        source=S7, priority=60,
    ),
    Rule(
        id="framework.end.plan-focused-retake",
        title="End J: plan a focused retake",
        when={"answer": _asked("early_enough", True)},
        then=[outcome("plan_focused_retake")],
        text="Every test is met: the score blocks the target, a big gain is realistic, {target.programs} "
             "accept retakes and there is time. Plan a focused retake with a clear score goal.",
        source=S7, priority=60,
    ),
]

# --- Decision from the flowchart, when the policy allows a retake -------------------------------
ALLOWED = fact("eligibility", passed=True, can_retake=True)
DECISIONS = [
    Rule(
        id="framework.decision.retake",
        title="Retake: the flowchart ends at J and the policy allows it",
        when={"outcome": fact("outcome", value="plan_focused_retake"), "eligibility": ALLOWED},
        then=[decision("retake")],
        text="The exam's rules allow another attempt and the framework ends at a focused retake.",
        source=S7, priority=70,
    ),
    Rule(
        id="framework.decision.keep-score",
        title="Do not retake: the flowchart ends elsewhere",
        when={"outcome": fact("outcome", one_of("value", KEEP_ENDS)), "eligibility": ALLOWED},
        then=[decision("do_not_retake")],
        text="The exam's rules would allow another attempt, but the framework does not end at a "
             "retake for you.",
        source=S7, priority=70,
    ),
    Rule(
        id="framework.decision.retake-required",
        title="No valid pass: the exam must be retaken",
        when={"eligibility": fact("eligibility", passed=False, can_retake=True)},
        then=[decision("retake_required")],
        text="{case.exam_name} has no pass that counts today, so the only question is when and how to retake it "
             "({eligibility.attempts_left_text}).",
        source=S1, priority=10,
    ),
    Rule(
        id="framework.pass.attempts-limited",
        title="Prepare for a clear pass: attempts are limited",
        when={"eligibility": fact("eligibility", passed=False, can_retake=True, has_limit=True)},
        then=[action("prepare-to-pass", "Prepare for a clear pass rather than a narrow one, and sit when "
                                        "recent practice results clear the pass mark with room to spare: "
                                        "{eligibility.attempts_left_text}, and one more fail weighs heavily.")],
        text="Attempts at {case.exam_name} are limited ({eligibility.attempts_left_text}): each sitting "
             "should be one you expect to pass.",
        source=S1, priority=11,
    ),
    Rule(
        id="framework.pass.no-attempt-limit",
        title="Prepare for a pass: there is no attempt limit",
        when={"eligibility": fact("eligibility", passed=False, can_retake=True, has_limit=False)},
        then=[action("prepare-to-pass", "Prepare until recent practice results meet the standard, then book "
                                        "the next sitting: there is no attempt limit, but each sitting "
                                        "costs a fee and time.")],
        text="{case.exam_name} has no attempt limit: what matters is a result that meets the standard, "
             "not how many sittings it takes.",
        source=S1, priority=11,
    ),
]

# --- Red flags (section 5) and the FAQ ----------------------------------------------------------
RED_FLAGS = [
    Rule(
        id="framework.red-flag.no-time",
        title="A retake would cost a full cycle",
        when={"case": PASSED, "retake_possible": RETAKE_POSSIBLE,
              "plan": fact("plan", lt("slack", 0), has_timeline=True)},
        then=[red_flag("no-time", "A retake would push you past this application cycle, delaying "
                                  "your application by about a year.")],
        text="Preparing and sitting again needs about {plan.months_needed} months; applications "
             "close in {plan.months_to_application}.",
        source=S5, priority=80,
    ),
    Rule(
        id="framework.red-flag.small-gain",
        title="The expected gain is small",
        when={"case": PASSED, "retake_possible": RETAKE_POSSIBLE,
              "plan": fact("plan", gt("gain", 0), lte("gain", same("small_gain")), has_prediction=True)},
        then=[red_flag("small-gain", "The expected gain is small: a few points rarely justify a second "
                                     "attempt on your record.")],
        text="A predicted gain of {plan.gain:g} is at most {plan.small_gain:g}, the size of gain that "
             "almost never repays the risk of looking like you needed two tries.",
        source=S5, priority=80,
    ),
    Rule(
        id="framework.red-flag.no-gain",
        title="The predicted score is not higher",
        when={"case": PASSED, "retake_possible": RETAKE_POSSIBLE, "plan": fact("plan", lte("gain", 0), has_prediction=True)},
        then=[red_flag("no-gain", "Your predicted score is not above your current one.")],
        text="The predicted {plan.predicted_score:g} does not improve on {case.score:g}.",
        source=S5, priority=80,
    ),
    Rule(
        id="framework.red-flag.score-in-range",
        title="The target takes scores in your range",
        when={"answer": _asked("blocks_target", False), "case": fact("case", has_score=True),
              "retake_possible": RETAKE_POSSIBLE},
        then=[_toned(red_flag("score-in-range", "Good news: your target {target.programs} routinely take applicants "
                                                "with scores in your range."), "reassurance")],
        text="Your current score already fits the target; a retake would change little.",
        source=S5, priority=80,
    ),
    Rule(
        id="framework.red-flag.repeat-attempts-disfavored",
        title="Programs disfavor repeat attempts",
        when={"case": PASSED, "retake_possible": RETAKE_POSSIBLE, "programs": fact("programs", stance="no")},
        then=[red_flag("attempts-disfavored", "Your target {target.programs} disfavor applicants with several "
                                              "attempts.")],
        text="A second attempt would be held against you by the {target.programs} you target.",
        source=S5, priority=80,
    ),
    Rule(
        id="framework.red-flag.prior-failure",
        title="A failed attempt is on the record",
        # Only where programs see every attempt: a failed IELTS sitting that nobody sees is no flag.
        when={"case": fact("case", gt("failures", 0), all_attempts_reported=True)},
        then=[_toned(red_flag("prior-failure", "A failed attempt is on your record: many {target.selectors} "
                                               "read a fail as a risk of struggling with {target.later_exams}."),
                     "warning")],
        text="{case.failures_text} on the record. For many {target.programs} a clean record with "
             "a lower score reads better than a higher score after a fail.",
        source=FAQ, priority=80,
    ),
    Rule(
        id="framework.faq.clean-first-pass",
        title="A clean first-attempt pass has value of its own",
        when={"case": fact("case", passed=True, failures=0, attempts_used=1), "retake_possible": RETAKE_POSSIBLE},
        text="You passed on your first attempt. For many {target.programs} that clean record outweighs a "
             "somewhat higher score earned on a second try; a retake gives it up.",
        source=FAQ, priority=85,
    ),
]

WEAK_AREAS = [
    ("no-clinical-experience", fact("application", clinical_months=0),
     "No clinical experience in the target country's system",
     "Get 2-4 months of supervised, hands-on {target.clinical_term} in your target specialty; "
     "for IMGs it can outweigh a mediocre score."),
    ("weak-letters", fact("application", letters="weak"),
     "Weak letters of recommendation",
     "Work toward letters that compare you favourably with interns and say the writer would rank "
     "you highly, not just that you are hardworking."),
    ("no-specialty-commitment", fact("application", commitment=False),
     "No clear commitment to the specialty",
     "Show commitment to the specialty: electives, projects or experience in it."),
    ("weak-personal-statement", fact("application", statement="weak"),
     "A weak personal statement",
     "Rewrite the personal statement around evidence of growth; mention the score only with a "
     "concrete, resolved reason, in a sentence or two."),
    ("weak-interview", fact("application", interview="weak"),
     "Weak interview skills",
     "Practise interviews: if the score comes up, give brief context, evidence of growth, "
     "confidence in your clinical work, then stop."),
]

RED_FLAGS += [
    Rule(
        id=f"framework.red-flag.{key}",
        title=title,
        when={"application": pattern, "target": fact("target")},
        then=[red_flag(key, f"{title}: your main weakness may lie outside the exam."),
              action(f"fix-{key}", advice)],
        text=f"{title}. A retake does not fix this; working on it does.",
        source=S5, priority=80,
    )
    for key, pattern, title, advice in WEAK_AREAS
]

# --- Specialty reality check (section 3) ---------------------------------------------------------
REALITY = [
    Rule(
        id="framework.reality.less-competitive",
        title="Less competitive target",
        when={"case": PASSED, "retake_possible": RETAKE_POSSIBLE, "target": fact("target", tier="less-competitive")},
        text="{target.specialty_name} ({target.setting_text}) is among the less competitive fields for IMGs "
             "(index {target.demand}). A low pass is often acceptable there with no "
             "failures, good clinical experience, solid letters and clear commitment; a retake "
             "rarely changes the outcome unless the score is very low or followed a fail.",
        source=S3, priority=85,
    ),
    Rule(
        id="framework.reality.mid-to-high",
        title="Mid-to-high competitiveness target",
        when={"case": PASSED, "retake_possible": RETAKE_POSSIBLE, "target": fact("target", tier="mid-to-high")},
        text="{target.specialty_name} ({target.setting_text}, index {target.demand}) weighs scores more, but not "
             "alone. A retake is worth considering only early, with evidence you underperformed and "
             "a plan for a big jump; repeat attempts still worry some {target.programs}.",
        source=S3, priority=85,
    ),
    Rule(
        id="framework.reality.ultra-competitive",
        title="Ultra-competitive target",
        when={"case": PASSED, "target": fact("target", tier="ultra-competitive")},
        then=[action("related-routes", "Put your effort into research, networking in academic departments, "
                                       "related specialties or another country's route, not a retake.")],
        text="{target.specialty_name} (index {target.demand}) is dominated by top scores, "
             "local graduates and research-heavy applications. A retake from a low pass will not "
             "open it for an IMG; adjust expectations first.",
        source=S3, priority=85,
    ),
]

# --- Hidden costs (section 4), when a retake is on the table -------------------------------------
RETAKE_END = fact("outcome", value="plan_focused_retake")
COSTS = [
    Rule(
        id="framework.cost.time",
        title="The time a retake takes",
        when={"outcome": RETAKE_END, "plan": fact("plan")},
        then=[action("plan-prep", "Block {plan.prep_months} months of serious preparation and book the "
                                  "sitting for a date that reports before applications close.")],
        text="Budget {plan.prep_months}+ months of serious preparation; a retake can delay an "
             "application by a cycle and leaves a gap on your CV to explain.",
        source=S4, priority=90,
    ),
    Rule(
        id="framework.cost.money-and-strain",
        title="The money and strain a retake takes",
        when={"outcome": RETAKE_END},
        text="Count the fees, preparation materials, lost income and visa or relocation delays, and "
             "the strain: a modest gain can leave you less confident at interview, not more.",
        source=S4, priority=90,
    ),
    Rule(
        id="framework.action.focused-retake",
        title="Set a clear goal for the retake",
        when={"outcome": RETAKE_END, "predicted": fact("predicted_band")},
        then=[action("set-score-goal", "Aim for the {predicted_band.label} band you predicted, and sit "
                                       "only when recent practice exams reach it.")],
        text="A retake is worth it only if it lands in the {predicted_band.label} band; do not sit "
             "until your practice scores say you will.",
        source=S2, priority=90,
    ),
]

# --- Alternatives (section 6), when the answer is to keep the score -----------------------------
KEEP = fact("outcome", one_of("value", KEEP_ENDS))
ALTERNATIVES = [
    Rule(
        id="framework.alternative.right-targets",
        title="Pick targets that fit the score",
        when={"outcome": fact("outcome", one_of("value", ("adjust_targets", "build_rest_of_cv"))),
              "target": fact("target")},
        then=[action("right-targets", "Build a target list of {target.programs} where IMGs with your profile have "
                                      "recently {target.placed}: ask graduates of your school, residents from "
                                      "your country and specialty IMG groups. Right doors, not more doors.")],
        text="Targets chosen from the real outcomes of people like you do more than a retake.",
        source=S6, priority=90,
    ),
    Rule(
        id="framework.alternative.upward-trajectory",
        title="Show an upward trajectory",
        when={"outcome": KEEP},
        then=[action("upward-trajectory", "Show an upward trajectory: strong clinical evaluations, good "
                                          "workplace feedback and better results on any later exams.")],
        text="{target.programs_cap} care whether you will pass {target.later_exams} and cope with {target.training}: later evidence of "
             "strong performance softens a low score.",
        source=S6, priority=90,
    ),
    Rule(
        id="framework.alternative.clinical-and-letters",
        title="Lean on clinical experience and letters",
        when={"outcome": KEEP, "application": fact("application", ne("clinical_months", 0)),
              "target": fact("target")},
        then=[action("clinical-and-letters", "Invest in 2-4 months of high-quality {target.clinical_term} "
                                             "in your target specialty and in letters that speak to how you "
                                             "perform.")],
        text="For IMGs, strong local clinical experience and specific letters can outweigh a mediocre score.",
        source=S6, priority=90,
    ),
    Rule(
        id="framework.alternative.own-your-score",
        title="Own the score",
        # Only where a score is reported: a pass/fail result (Step 1 since 2022, the NAC's result
        # letter, PLAB 2) has no number to explain.
        when={"outcome": KEEP, "case": fact("case", has_score=True)},
        then=[action("own-your-score", "Prepare a short, calm answer about the score: context if any, what "
                                       "you changed, your recent performance. Then stop talking.")],
        text="Owning a low score briefly and confidently reads better than apologising for it.",
        source=S6, priority=90,
    ),
    Rule(
        id="framework.alternative.research",
        title="Research for academic or competitive targets",
        when={"outcome": KEEP, "target": fact("target", gte("demand", 50)),
              "application": fact("application", one_of("research", ("none", "some")))},
        then=[action("research", "Take on substantial research (several projects with real responsibility, "
                                 "ideally a poster or publication): it multiplies a score that is not fatal.")],
        text="For academic and competitive targets, substantial research can move an application "
             "from 'probably not' to 'worth an interview'; a few case reports cannot.",
        source=FAQ4, priority=90,
    ),
]

# A prediction for a retake that cannot happen: said once, and no predicted band is shown for it
# (core.assembly), so nothing in the verdict reads as a plan to retake.
# Not passed and no attempt left: the exam cannot be passed any more, so the one thing to plan is
# a route that does not need it (the flowchart's E, "adjust your specialty or country targets").
NO_ATTEMPT_LEFT = [
    Rule(
        id="framework.no-attempt-left.other-routes",
        title="No attempt left: plan a route that does not need this exam",
        when={"eligibility": fact("eligibility", one_of("blocked_by", ("attempts-exhausted", "ineligible-all-steps")),
                                        passed=False, can_retake=False)},
        then=[action("other-routes", "Plan around {case.exam_name}: it can no longer be passed, so look at targets "
                                     "or countries whose route does not need it, and ask its authority in writing "
                                     "before you rely on any exception.")],
        text="With no attempt left at {case.exam_name} and no pass, a retake is not a choice to weigh; what is left "
             "is choosing targets whose route does not need this exam.",
        source=S7, priority=95,
    ),
]

PLAN_NOT_USED = [
    Rule(
        id="framework.prediction-not-used",
        title="The predicted score is not used: no retake is possible",
        when={"eligibility": fact("eligibility", can_retake=False), "plan": fact("plan", has_prediction=True)},
        text="You gave a predicted retake score of {plan.predicted_score:g}, but a retake of {case.exam_name} is "
             "not possible, so the prediction is not used and no predicted band is shown.",
        source=S7, priority=95,
    ),
]

FRAMEWORK_RULES: tuple[Rule, ...] = tuple(
    QUESTION_B + QUESTION_D + QUESTION_F + QUESTION_H + ENDS + DECISIONS + RED_FLAGS + REALITY
    + COSTS + ALTERNATIVES + NO_ATTEMPT_LEFT + PLAN_NOT_USED
)

# Reasons whose tone is not that of what they conclude (see core.assembly.reason_tone).
REASON_TONES = {
    "framework.faq.clean-first-pass": "reassurance",
    "framework.reality.less-competitive": "reassurance",
    "framework.red-flag.prior-failure": "warning",
    "plab.english.met": "reassurance",
    "plab.english.not-met": "warning",
    "plab.additional-attempt-last": "warning",
    "usmle.transcript-shows-every-attempt": "warning",
}
