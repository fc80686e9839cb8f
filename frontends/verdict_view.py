"""Plain words for a verdict, shared by the dashboard and the report (no Streamlit, no rendering).

The verdict's words come from core; this module only chooses how to say them to a person: the
headline, dates with the days left, results as words ("not recorded", never "None"), the deciding
rules, and a glossary of every term a verdict page uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

from core.verdict import DECISION_TEXT, OUTCOME_NODE, OUTCOME_TEXT, QUESTION_NODE, QUESTION_TEXT, Verdict



def guidance(authority: str | None = None) -> str:
    """The line every report carries: this is guidance, not the authority's decision."""
    who = authority or "the exam authority"
    return (f"This is guidance computed from published rules as Retake Verdict reads them on the date above, "
            f"not a decision of {who}. Check with {who} before you book or apply.")

RESULT_WORDS = {None: "not recorded", "pass": "pass", "fail": "fail", "incomplete": "incomplete",
                "no_standing": "no standing (not scored)", "denied_standing": "standing denied"}

# Every term a verdict page uses that a person may not know, in plain words.
GLOSSARY: dict[str, str] = {
    "Flowchart end": "The decision framework is a short flowchart of yes/no questions (does the score block "
                     "your target? is a big gain realistic? do programs accept retakes? is there time?). "
                     "Each end, lettered C, E, G, I or J, is one piece of advice; the letter tells you which.",
    "Band": "A score tier: a range of scores that programs tend to read the same way. The bands are the "
            "decision framework's reading, not the exam authority's.",
    "Pass mark": "The lowest score that passes. Some exams change it over time or set it per sitting: the one "
                 "in force on the date of your sitting applies.",
    "Competitiveness index": "A rough 0-100 scale of how hard a specialty is for international graduates to "
                             "enter (higher is harder). It is the framework's estimate, not data. University "
                             "programs add to it.",
    "Setting": "Community or university (academic) programs. University programs tend to ask for more.",
    "SD": "Standard deviation: how far a score sits from the average of everyone who sat that exam. "
          "MCCQE Part I bands are read this way.",
    "Clinical experience": "Months of hands-on clinical work in the target country's health system: USCE in the "
                           "US, UKCE in the UK, Canadian clinical experience in Canada.",
    "USCE / UKCE": "US clinical experience / UK clinical experience: hands-on clinical work in that country's "
                   "system, which programs weigh heavily.",
    "Earliest retake": "The first day the exam's rules let you sit again (after any waiting period).",
    "Deadline": "A date by which something must happen (for example passing a later exam) before an earlier "
                "result stops counting.",
    "Attempt limit": "The most times the exam's rules let you sit it.",
    "Reasons not to retake": "Facts that argue for keeping the score you have, such as programs that already "
                             "take applicants with your score.",
    "Rule": "One published policy or framework judgement, with an id, a source and the date it took effect. "
            "Every reason on the page is one rule that fired.",
    "Confidence": "How sure the policy fact behind a rule is: high (the authority says so), medium or "
                  "unconfirmed (the product could not confirm it; check with the authority).",
    "As of": "The day the verdict is judged on: the rules in force that day apply.",
    "Rules version": "A short fingerprint of every rule used. Two verdicts with the same rules version were "
                     "judged by exactly the same rules.",
    "GMC minimum": "The General Medical Council's English requirement: IELTS Academic 7.5 overall and 7.0 in "
                   "each skill in one sitting, or OET Medicine grade B in each sub-test.",
}


def headline(verdict: Verdict) -> str:
    """The one-sentence answer: core's headline when the verdict carries one, else the decision's words."""
    carried = getattr(verdict, "headline", None)
    if carried:
        return str(carried)
    return DECISION_TEXT[verdict.decision]


def decision_and_detail(verdict: Verdict) -> tuple[str, str]:
    """(the decision's label, the headline's own words), so every summary line carries its decision label.

    A rule may write the headline with the label in front ("A retake is not allowed: you passed PLAB 1 ...")
    or without it ("Your IELTS Academic pass of ... no longer counts ..."); the label is not said twice."""
    label = DECISION_TEXT[verdict.decision]
    sentence = headline(verdict).strip()
    if sentence.rstrip(".") == label:
        return label, ""
    if sentence.startswith(label + ":"):
        rest = sentence[len(label) + 1:].strip()
        sentence = rest[:1].upper() + rest[1:]
    return label, sentence


TO_SIT_LABEL = "Still to sit"
TO_SIT_DETAIL = "No sittings yet, so no retake verdict; its dates are in the timeline."


def outcome_line(verdict: Verdict) -> str:
    if verdict.outcome is None:
        return ""
    return f"Flowchart end {OUTCOME_NODE[verdict.outcome]}: {OUTCOME_TEXT[verdict.outcome]}"


def days(day: date | None, as_of: date, missing: str = "none") -> str:
    """A date with how far it is from the as-of day, in words."""
    if day is None:
        return missing
    left = (day - as_of).days
    if left == 0:
        return f"{day.isoformat()} (today)"
    if left > 0:
        return f"{day.isoformat()} (in {left} day{'s' if left != 1 else ''})"
    return f"{day.isoformat()} ({-left} day{'s' if left != -1 else ''} ago)"


def result_word(result: Any) -> str:
    if result is None or (isinstance(result, float) and result != result):
        return RESULT_WORDS[None]
    return RESULT_WORDS.get(str(result), str(result))


def deciding_rules(verdict: Verdict, rules: Iterable[Any]) -> list[Any]:
    """The fired rules that concluded this verdict's decision (read from the rules' metadata).

    Core's `deciding_rule` is used when the verdict carries it.
    """
    carried = getattr(verdict, "deciding_rules", None) or getattr(verdict, "deciding_rule", None)
    by_id = {r.id: r for r in rules}
    if carried:
        ids = [carried] if isinstance(carried, str) else list(carried)
        return [by_id[i] for i in ids if i in by_id]
    fired = {r.rule for r in verdict.reasons}
    found = []
    for rule in by_id.values():
        if rule.id not in fired:
            continue
        if any(c.get("t") == "decision" and c.get("value") == verdict.decision for c in rule.then):
            found.append(rule)
    return [r for r in found if not r.id.startswith("framework.decision.")]


@dataclass
class PathLine:
    node: str
    question: str
    answer: str


def path_lines(verdict: Verdict) -> list[PathLine]:
    """The flowchart path as words: each question asked and its answer, then the end reached."""
    lines = [PathLine(QUESTION_NODE.get(step.question, "?"), QUESTION_TEXT.get(step.question, step.question),
                      "not known" if step.answer is None else "yes" if step.answer else "no")
             for step in verdict.path]
    return lines


def glossary_for(verdict: Verdict | None) -> list[tuple[str, str]]:
    """The glossary entries a page about this verdict needs (all of them without a verdict)."""
    if verdict is None:
        return list(GLOSSARY.items())
    text = " ".join([r.text for r in verdict.reasons] + [a.text for a in verdict.actions]
                    + [f.text for f in verdict.red_flags]).lower()
    wanted = {"Rule", "Confidence", "As of", "Rules version", "Earliest retake", "Attempt limit"}
    if verdict.outcome is not None:
        wanted |= {"Flowchart end", "Competitiveness index", "Setting", "Reasons not to retake"}
    if verdict.band is not None:
        wanted.add("Band")
    if verdict.eligibility.deadlines:
        wanted.add("Deadline")
    for term, needle in (("SD", " sd"), ("Pass mark", "pass mark"), ("GMC minimum", "gmc"),
                         ("Clinical experience", "clinical experience"), ("USCE / UKCE", "usce"),
                         ("USCE / UKCE", "ukce"), ("Competitiveness index", "index")):
        if needle in text:
            wanted.add(term)
    if verdict.score is not None:
        wanted.add("Pass mark")
    return [(term, words) for term, words in GLOSSARY.items() if term in wanted]
