"""Pictures for the dashboard: pure functions from a verdict (and the exam's published data) to charts.

- `flowchart_dot`: the seed's section 7 flowchart as graphviz DOT, this person's path highlighted.
- `score_picture` + `score_chart`: the score against the exam's bands and the pass mark (altair).
- `specialty_chart`: the target specialty on the competitiveness index, with how far the score reaches.

No decision is made here: the path, the band and the outcome all come from the verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Sequence

import altair as alt
import pandas as pd

from core.context import SETTING_BUMP, Specialty
from core.dated import NotInForce
from core.exams import ExamSpec
from core.model import Profile
from core.verdict import OUTCOME_NODE, QUESTION_NODE, Verdict

# Node letters as in the seed's flowchart (A is the start).
FLOW_NODES = {
    "A": "Low but passing score",
    "B": "Blocks target specialty\nor country?",
    "C": "Do not retake:\nbuild rest of CV",
    "D": "Realistic big\nimprovement?",
    "E": "Adjust specialty /\ntargets",
    "F": "Retakes accepted\nby programs?",
    "G": "Keep score,\nimprove other areas",
    "H": "Early enough\nin timeline?",
    "I": "Apply with\ncurrent score",
    "J": "Plan focused retake\nwith clear goal",
}
# (from, to, answer): the flowchart's arrows; answer None is the unconditional start.
FLOW_EDGES = (
    ("A", "B", None),
    ("B", "C", False), ("B", "D", True),
    ("D", "E", False), ("D", "F", True),
    ("F", "G", False), ("F", "H", True),
    ("H", "I", False), ("H", "J", True),
)
QUESTION_LETTERS = set(QUESTION_NODE.values())
END_COLOURS = {"C": "#2e7d32", "E": "#ef6c00", "G": "#1565c0", "I": "#6a1b9a", "J": "#c62828"}
PATH_COLOUR = "#1565c0"
IDLE_COLOUR = "#9e9e9e"

DECISION_COLOURS = {"retake": "green", "do_not_retake": "blue", "not_allowed": "orange", "retake_required": "red"}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def flowchart_dot(verdict: Verdict | None) -> str:
    """The flowchart as DOT; the nodes and arrows this verdict's path took are drawn bold and coloured."""
    taken_nodes: set[str] = set()
    taken_edges: set[tuple[str, str]] = set()
    end = None
    note = ""
    if verdict is not None and verdict.outcome is not None:
        taken_nodes.add("A")
        previous = "A"
        for step in verdict.path:
            letter = QUESTION_NODE.get(step.question)
            if letter is None:
                continue
            taken_edges.add((previous, letter))
            taken_nodes.add(letter)
            previous = letter
            following = next((to for frm, to, answer in FLOW_EDGES if frm == letter and answer is step.answer), None)
            if following is not None and following not in QUESTION_LETTERS:
                taken_edges.add((letter, following))
        end = OUTCOME_NODE.get(verdict.outcome)
        if end is not None:
            taken_nodes.add(end)
            if verdict.decision == "not_allowed":
                note = "A retake is not allowed: the flowchart shows what to do instead"
    elif verdict is not None:
        note = "Not passed yet: this flowchart applies once the exam is passed"

    lines = [
        "digraph retake {",
        '  graph [rankdir=TB, fontname="Helvetica", fontsize=11, nodesep=0.35, ranksep=0.3'
        + (f", label={_quote(note)}, labelloc=t" if note else "") + "];",
        '  node [fontname="Helvetica", fontsize=10, style="rounded,filled", fillcolor="#ffffff", '
        f'color="{IDLE_COLOUR}", fontcolor="#616161", shape=box];',
        f'  edge [fontname="Helvetica", fontsize=9, color="{IDLE_COLOUR}", fontcolor="#757575"];',
    ]
    for letter, label in FLOW_NODES.items():
        attrs = [f"label={_quote(f'{letter}. {label}')}"]
        if letter in QUESTION_LETTERS:
            attrs.append("shape=diamond")
            attrs.append('style="filled"')
        if letter == end:
            colour = END_COLOURS.get(letter, PATH_COLOUR)
            attrs += [f'fillcolor="{colour}"', 'fontcolor="#ffffff"', f'color="{colour}"', "penwidth=3"]
        elif letter in taken_nodes:
            attrs += ['fillcolor="#e3f2fd"', 'fontcolor="#0d47a1"', f'color="{PATH_COLOUR}"', "penwidth=2.5"]
        lines.append(f"  {letter} [{', '.join(attrs)}];")
    for frm, to, answer in FLOW_EDGES:
        attrs = []
        if answer is not None:
            attrs.append(f"label={_quote('yes' if answer else 'no')}")
        if (frm, to) in taken_edges:
            attrs += [f'color="{PATH_COLOUR}"', f'fontcolor="{PATH_COLOUR}"', "penwidth=3"]
        lines.append(f"  {frm} -> {to}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";")
    lines += ["  { rank=same; C; D; }", "  { rank=same; E; F; }", "  { rank=same; G; H; }", "  { rank=same; I; J; }", "}"]
    return "\n".join(lines)


# --- the score against the bands and the pass mark --------------------------------------------


@dataclass
class ScorePicture:
    """What the score chart shows, on the exam's scale."""

    exam: str
    unit: str
    scale: tuple[float, float] | None
    bands: list[dict[str, Any]] = field(default_factory=list)  # label, low, high, current (bool)
    pass_mark: float | None = None
    score: float | None = None
    predicted: float | None = None

    @property
    def drawable(self) -> bool:
        return self.score is not None or bool(self.bands)


def _pass_mark(exam: ExamSpec, profile: Profile) -> tuple[float | None, date | None]:
    """The pass mark of the latest sitting with a score: its own, else the one in force on its date."""
    scored = [a for a in profile.attempts if a.score is not None]
    if not scored:
        return None, None
    latest = scored[-1]
    if latest.pass_mark is not None:
        return latest.pass_mark, latest.date
    if exam.pass_mark is None:
        return None, latest.date
    try:
        return exam.pass_mark.value_at(latest.date), latest.date
    except NotInForce:
        return None, latest.date


def score_picture(exam: ExamSpec, profile: Profile, verdict: Verdict) -> ScorePicture:
    pass_mark, sitting = _pass_mark(exam, profile)
    day = sitting or verdict.as_of
    scale = exam.scale_on(day)
    picture = ScorePicture(
        exam=exam.name, unit=scale.unit if scale else "points",
        scale=(scale.low, scale.high) if scale else None, pass_mark=pass_mark, score=verdict.score,
        predicted=profile.plan.predicted_score if verdict.score is not None else None,
    )
    for band in exam.bands_on(day):
        low, high = band.low, band.high
        if band.basis == "margin":
            if pass_mark is None:
                continue
            low, high = pass_mark + low, pass_mark + high
        if scale is not None:
            low, high = max(low, scale.low), min(high, scale.high)
        picture.bands.append({"label": band.label, "low": low, "high": high, "rank": band.rank,
                              "current": verdict.band is not None and verdict.band.id == band.id})
    return picture


def _domain(picture: ScorePicture) -> tuple[float, float]:
    points = [v for v in (picture.pass_mark, picture.score, picture.predicted) if v is not None]
    inner = [b["low"] for b in picture.bands[1:]] + [b["high"] for b in picture.bands[:-1]]
    points += inner
    if picture.scale is None:
        low, high = (min(points), max(points)) if points else (0.0, 1.0)
        pad = max((high - low) * 0.15, 1.0)
        return low - pad, high + pad
    span = picture.scale[1] - picture.scale[0]
    if not points:
        return picture.scale
    pad = max(span * 0.05, 0.5)
    return max(picture.scale[0], min(points) - 2 * pad), min(picture.scale[1], max(points) + 2 * pad)


def score_chart(picture: ScorePicture) -> alt.LayerChart:
    """Bands as coloured stripes, the pass mark as a dashed red line, the score (and prediction) as marks."""
    low, high = _domain(picture)
    x = alt.X("low:Q", title=f"{picture.exam} ({picture.unit})", scale=alt.Scale(domain=[low, high], clamp=True))
    layers: list[alt.Chart] = []
    if picture.bands:
        bands = pd.DataFrame([
            {**b, "low": max(b["low"], low), "high": min(b["high"], high),
             "mid": (max(b["low"], low) + min(b["high"], high)) / 2, "which": "your band" if b["current"] else "band"}
            for b in picture.bands if b["high"] >= low and b["low"] <= high
        ])
        base = alt.Chart(bands)
        layers.append(base.mark_rect(opacity=0.55, stroke="white", strokeWidth=2).encode(
            x=x, x2="high:Q", y=alt.value(0), y2=alt.value(70),
            color=alt.Color("rank:O", scale=alt.Scale(scheme="blues"), legend=None),
            tooltip=[alt.Tooltip("label:N", title="band"), "low:Q", "high:Q"],
        ))
        layers.append(base.mark_text(fontSize=11, dy=-4, fontWeight="bold").encode(
            x=alt.X("mid:Q", scale=alt.Scale(domain=[low, high], clamp=True)), y=alt.value(16), text="label:N",
            color=alt.condition("datum.current", alt.value("#0d47a1"), alt.value("#37474f")),
        ))
    marks = []
    if picture.pass_mark is not None:
        marks.append({"what": "pass mark", "value": picture.pass_mark})
    if picture.score is not None:
        marks.append({"what": "your score", "value": picture.score})
    if picture.predicted is not None:
        marks.append({"what": "predicted", "value": picture.predicted})
    if marks:
        frame = pd.DataFrame(marks)
        colour = alt.Color("what:N", title=None, scale=alt.Scale(
            domain=["pass mark", "your score", "predicted"], range=["#c62828", "#212121", "#2e7d32"]),
            legend=alt.Legend(orient="bottom"))
        scale = alt.Scale(domain=[low, high], clamp=True)
        layers.append(alt.Chart(frame).mark_rule(strokeWidth=3).encode(
            x=alt.X("value:Q", scale=scale, title=f"{picture.exam} ({picture.unit})"), y=alt.value(0), y2=alt.value(110),
            color=colour, strokeDash=alt.condition("datum.what == 'pass mark'", alt.value([6, 4]), alt.value([1, 0])),
            tooltip=["what:N", "value:Q"],
        ))
        layers.append(alt.Chart(frame).mark_text(dy=-8, fontSize=11, align="left", dx=4).encode(
            x=alt.X("value:Q", scale=scale), y=alt.value(100),
            text=alt.Text("label:N"), color=colour,
        ).transform_calculate(label="datum.what + ' ' + format(datum.value, 'g')"))
    return alt.layer(*layers).properties(height=130)


# --- the target on the competitiveness index --------------------------------------------------


def specialty_frame(specialties: Iterable[Specialty], target: str) -> pd.DataFrame:
    rows = [{"specialty": s.name, "id": s.id, "index": s.competitiveness, "target": s.id == target}
            for s in specialties]
    return pd.DataFrame(rows).sort_values(["index", "specialty"]).reset_index(drop=True)


def specialty_chart(specialties: Sequence[Specialty], target: str, setting: str,
                    reach: int | None = None, predicted_reach: int | None = None) -> alt.LayerChart:
    """Every specialty by its index; the target highlighted; how far the score's band usually reaches.

    `reach` / `predicted_reach` are the `fits_up_to` of the current and predicted bands (their
    meaning is the exam plugin's: the highest index a band usually fits). The target's bar ends
    at its index plus the setting's demand, as the rules read it.
    """
    frame = specialty_frame(specialties, target)
    frame["demand"] = frame["index"] + frame["target"].map(lambda t: SETTING_BUMP.get(setting, 0) if t else 0)
    frame["demand"] = frame["demand"].clip(upper=100)
    frame["what"] = frame["target"].map(lambda t: "your target" if t else "other specialties")
    order = list(frame["specialty"])
    y = alt.Y("specialty:N", sort=order, title=None)
    x = alt.X("demand:Q", title="Competitiveness for IMGs (0-100, higher is harder)", scale=alt.Scale(domain=[0, 100]))
    bars = alt.Chart(frame).mark_bar().encode(
        x=x, y=y,
        color=alt.Color("what:N", title=None, scale=alt.Scale(domain=["your target", "other specialties"],
                                                              range=["#c62828", "#b0bec5"]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=["specialty:N", alt.Tooltip("index:Q", title="index"), alt.Tooltip("demand:Q", title="with setting")],
    )
    layers: list[Any] = [bars]
    rules = []
    if reach is not None:
        rules.append({"what": "your score's band reaches", "value": reach})
    if predicted_reach is not None and predicted_reach != reach:
        rules.append({"what": "predicted score's band reaches", "value": predicted_reach})
    if rules:
        lines = pd.DataFrame(rules)
        colour = alt.Color("what:N", title=None, scale=alt.Scale(
            domain=["your score's band reaches", "predicted score's band reaches"], range=["#212121", "#2e7d32"]),
            legend=alt.Legend(orient="bottom"))
        layers.append(alt.Chart(lines).mark_rule(strokeWidth=2.5, strokeDash=[5, 3]).encode(
            x="value:Q", color=colour, tooltip=["what:N", "value:Q"]))
    return alt.layer(*layers).resolve_scale(color="independent").properties(height=max(160, 22 * len(frame)))
