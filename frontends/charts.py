"""Pictures for the dashboard: pure functions from a verdict (and the exam's published data) to charts.

- `flowchart_dot`: the seed's section 7 flowchart as graphviz DOT, this person's path highlighted.
- `score_picture` + `score_chart`: the score against the exam's bands and the pass mark (altair).
- `specialty_chart`: the target specialty on the competitiveness index, with how far the score reaches.

No decision is made here: the path, the band and the outcome all come from the verdict.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Sequence

import altair as alt
import pandas as pd

from core.specialty_index import SETTING_BUMP, Specialty
from core.dated_values import NotInForce
from core.exams import ExamSpec
from core.profile import Profile
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
#
# Text never sits on the plot: band names and the marks' values go to legends, which Vega-Lite lays
# out itself, so nothing can overlap however narrow the screen.

MARK_COLOURS = {"pass mark": "#c62828", "your score": "#212121", "predicted": "#2e7d32"}


@dataclass
class ScorePicture:
    """What the score chart shows, on the exam's scale."""

    exam: str
    unit: str
    scale: tuple[float, float] | None
    bands: list[dict[str, Any]] = field(default_factory=list)  # label, low, high, rank, current (bool)
    pass_mark: float | None = None
    score: float | None = None
    predicted: float | None = None

    @property
    def drawable(self) -> bool:
        """A score to place: without one, bands alone answer no question about this person."""
        return self.score is not None

    @property
    def whole_numbers(self) -> bool:
        """Scales of 50+ points are read in whole points (USMLE, PLAB, MCCQE); IELTS in half bands."""
        if self.scale is None:
            return True
        return self.scale[1] - self.scale[0] >= 50


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
        # A predicted retake score only where a retake can happen (the verdict leaves it unused otherwise).
        predicted=profile.plan.predicted_score if verdict.score is not None and verdict.eligibility.can_retake
        else None,
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
    low, high = max(picture.scale[0], min(points) - 2 * pad), min(picture.scale[1], max(points) + 2 * pad)
    if picture.whole_numbers:
        low, high = float(int(low)), float(int(high) + (0 if float(high).is_integer() else 1))
    return low, high


def _number(value: float) -> str:
    return f"{value:g}"


def _legend(title: str | None, **extra: Any) -> alt.Legend:
    # Legends under the plot, one entry a line, never cut short: long band names stay readable
    # on a phone and nothing is drawn over the data.
    return alt.Legend(title=title, orient="bottom", direction="vertical", labelLimit=0, titleLimit=0, **extra)


def fit_width(chart: Any) -> Any:
    """Fit the chart to its container's width only: its height is the plot's own, and the axis and the
    legends are added below it. (Streamlit's default, `fit`, squeezes axis and legends into the given
    height, so on a phone the axis text sat on the bands and the legends were cut off.)"""
    return chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def score_chart(picture: ScorePicture) -> alt.LayerChart:
    """Bands as coloured stripes, the pass mark as a dashed red line, the score (and prediction) as lines;
    every name and value in the legends below."""
    low, high = _domain(picture)
    scale = alt.Scale(domain=[low, high], clamp=True, nice=False, zero=False)
    axis = alt.Axis(format="d" if picture.whole_numbers else "~g", tickMinStep=1 if picture.whole_numbers else 0.5,
                    title=f"{picture.exam} ({picture.unit})", labelFlush=True)
    layers: list[alt.Chart] = []
    shown = [b for b in picture.bands if b["high"] >= low and b["low"] <= high]
    if shown:
        names = [b["label"] + (" (your band)" if b["current"] else "") for b in shown]
        bands = pd.DataFrame([{"band": name, "low": max(b["low"], low), "high": min(b["high"], high),
                               "rank": b["rank"]} for name, b in zip(names, shown)])
        layers.append(alt.Chart(bands).mark_rect(opacity=0.6, stroke="white", strokeWidth=2).encode(
            x=alt.X("low:Q", scale=scale, axis=axis), x2="high:Q", y=alt.value(0), y2=alt.value("height"),
            color=alt.Color("band:N", sort=names, scale=alt.Scale(scheme="blues"), legend=_legend("Bands")),
            tooltip=[alt.Tooltip("band:N"), alt.Tooltip("low:Q", format="~g"), alt.Tooltip("high:Q", format="~g")],
        ))
    marks = [(what, value) for what, value in (("pass mark", picture.pass_mark), ("your score", picture.score),
                                               ("predicted", picture.predicted)) if value is not None]
    if marks:
        frame = pd.DataFrame([{"mark": f"{what} {_number(value)}", "what": what, "value": value}
                              for what, value in marks])
        labels = list(frame["mark"])
        colour = alt.Color("mark:N", sort=labels, scale=alt.Scale(domain=labels,
                           range=[MARK_COLOURS[w] for w, _ in marks]), legend=_legend("Marks"))
        layers.append(alt.Chart(frame).mark_rule(strokeWidth=3).encode(
            x=alt.X("value:Q", scale=scale, axis=axis), y=alt.value(0), y2=alt.value("height"), color=colour,
            strokeDash=alt.condition("datum.what == 'pass mark'", alt.value([6, 4]), alt.value([1, 0])),
            tooltip=[alt.Tooltip("what:N"), alt.Tooltip("value:Q", format="~g")],
        ))
    return fit_width(alt.layer(*layers).resolve_scale(color="independent").properties(height=80))


# --- IELTS / OET: one bar per skill against the GMC minimum --------------------------------------

@dataclass
class PartsPicture:
    """Each part of one sitting (and the overall band, where there is one) against its minimum."""

    exam: str
    sitting: date
    rows: list[dict[str, Any]]  # part, value, minimum, met, shown (text)
    grades: tuple[str, ...] = ()  # OET: letter grades, worst first; empty for numeric parts

    @property
    def drawable(self) -> bool:
        return bool(self.rows)


def parts_picture(exam: ExamSpec, profile: Profile, verdict: Verdict) -> PartsPicture | None:
    """The latest sitting's parts against the minimum each must meet; None for exams without parts.

    Reads `verdict.parts` when the verdict carries it; until then the GMC minimums come from the
    plab plugin's dated policy (the only exams with parts today are its IELTS and OET).
    """
    if not exam.parts:
        return None
    sittings = [a for a in profile.attempts if a.parts]
    if not sittings:
        return PartsPicture(exam.name, verdict.as_of, [])
    latest = sittings[-1]
    carried = getattr(verdict, "parts", None)
    if carried:
        carried = [p if isinstance(p, dict) else p.model_dump() for p in carried]
        rows = [{"part": str(p["name"]).title(), "value": p["value"], "minimum": p["minimum"], "met": p["met"],
                 "shown": str(p.get("shown", p["value"]))} for p in carried]
        return PartsPicture(exam.name, latest.date, rows, tuple(carried[0].get("scale") or ()))
    try:
        from plugins.plab import english, policy
    except ImportError:
        return PartsPicture(exam.name, latest.date, [])
    rows: list[dict[str, Any]] = []
    if exam.id.startswith("oet"):
        grades = tuple(reversed(policy.OET_GRADES))  # worst first: E ... A
        floor = grades.index(policy.OET_MIN_GRADE.value_at(latest.date))
        for name in exam.parts:
            if name not in latest.parts:
                continue
            grade = english.oet_grade(latest.parts[name])
            rank = grades.index(grade) if grade in grades else 0
            rows.append({"part": name.title(), "value": rank, "minimum": floor, "met": rank >= floor, "shown": grade})
        return PartsPicture(exam.name, latest.date, rows, grades)
    skill_min = policy.IELTS_SKILL_MIN.value_at(latest.date)
    overall_min = policy.IELTS_OVERALL_MIN.value_at(latest.date)
    if latest.score is not None:
        rows.append({"part": "Overall", "value": latest.score, "minimum": overall_min,
                     "met": latest.score >= overall_min, "shown": _number(latest.score)})
    for name in exam.parts:
        if name in latest.parts and isinstance(latest.parts[name], (int, float)):
            value = float(latest.parts[name])
            rows.append({"part": name.title(), "value": value, "minimum": skill_min, "met": value >= skill_min,
                         "shown": _number(value)})
    return PartsPicture(exam.name, latest.date, rows)


def parts_chart(picture: PartsPicture) -> alt.LayerChart:
    """One bar per part, coloured by whether it meets its minimum; the minimum as a red tick on each bar."""
    frame = pd.DataFrame(picture.rows)
    frame["status"] = frame["met"].map(lambda met: "meets the minimum" if met else "below the minimum")
    frame["minimum label"] = "GMC minimum"
    order = list(frame["part"])
    if picture.grades:
        domain = [0, len(picture.grades) - 1]
        labels = "[" + ", ".join(repr(g) for g in picture.grades) + "][datum.value]"
        axis = alt.Axis(title=f"{picture.exam} grade (sitting of {picture.sitting.isoformat()})", values=list(
            range(len(picture.grades))), labelExpr=labels)
    else:
        lowest = min(min(frame["value"]), min(frame["minimum"]))
        domain = [max(0.0, float(int(lowest)) - 1), 9.0]
        axis = alt.Axis(title=f"{picture.exam} band (sitting of {picture.sitting.isoformat()})", tickMinStep=0.5,
                        format="~g")
    x_scale = alt.Scale(domain=domain, nice=False, zero=False, clamp=True)
    y = alt.Y("part:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False, labelLimit=0))
    bars = alt.Chart(frame).mark_bar(height={"band": 0.7}).encode(
        x=alt.X("value:Q", scale=x_scale, axis=axis), y=y,
        color=alt.Color("status:N", scale=alt.Scale(domain=["meets the minimum", "below the minimum"],
                                                    range=["#2e7d32", "#ef6c00"]), legend=_legend(None)),
        tooltip=[alt.Tooltip("part:N"), alt.Tooltip("shown:N", title="result"),
                 alt.Tooltip("minimum:Q", format="~g", title="minimum")],
    )
    values = alt.Chart(frame).mark_text(align="left", dx=4, fontWeight="bold").encode(
        x=alt.X("value:Q", scale=x_scale), y=y, text="shown:N")
    ticks = alt.Chart(frame).mark_tick(thickness=3, size=30).encode(
        x=alt.X("minimum:Q", scale=x_scale), y=y,
        color=alt.Color("minimum label:N", scale=alt.Scale(range=["#c62828"]), legend=_legend(None)))
    return fit_width(alt.layer(bars, ticks, values).resolve_scale(color="independent").properties(height={"step": 34}))


# --- the target on the competitiveness index --------------------------------------------------


def specialty_frame(specialties: Iterable[Specialty], target: str) -> pd.DataFrame:
    rows = [{"specialty": s.name, "id": s.id, "index": s.competitiveness, "target": s.id == target}
            for s in specialties]
    return pd.DataFrame(rows).sort_values(["index", "specialty"]).reset_index(drop=True)


def specialty_chart(specialties: Sequence[Specialty], target: str, setting: str,
                    reach: int | None = None, predicted_reach: int | None = None,
                    target_index: int | None = None) -> alt.LayerChart:
    """Every specialty by its index, each one labelled; the target in red and bold; the stretch of the
    index the score's band usually reaches shaded, the predicted band's reach as a dashed line.

    `reach` / `predicted_reach` are the `fits_up_to` of the current and predicted bands (their
    meaning is the exam plugin's: the highest index a band usually fits). The target's bar ends
    at its index plus the setting's demand (`target_index` when the verdict carries it).
    """
    frame = specialty_frame(specialties, target)
    bump = SETTING_BUMP.get(setting, 0)
    frame["demand"] = frame["index"]
    if target_index is not None:
        frame.loc[frame["target"], "demand"] = target_index
    else:
        frame.loc[frame["target"], "demand"] = (frame.loc[frame["target"], "index"] + bump).clip(upper=100)
    target_rows = frame[frame["target"]]
    target_name = target_rows["specialty"].iloc[0] if len(target_rows) else None
    if target_name is not None:
        demand = int(target_rows["demand"].iloc[0])
        extra = demand - int(target_rows["index"].iloc[0])
        target_label = f"your target: {target_name} ({demand}" + (f", incl. +{extra} for {setting} programs)"
                                                                   if extra else ")")
    else:
        target_label = "your target"
    frame["what"] = frame["target"].map(lambda t: target_label if t else "other specialties")
    order = list(frame["specialty"])
    name_test = f"datum.value === {json.dumps(target_name)}"
    y = alt.Y("specialty:N", sort=order, title=None, axis=alt.Axis(
        labelOverlap=False, labelLimit=0, labelFontWeight=alt.ExprRef(f"{name_test} ? 'bold' : 'normal'"),
        labelColor=alt.ExprRef(f"{name_test} ? '#c62828' : '#37474f'")))
    x_scale = alt.Scale(domain=[0, 100], nice=False)
    x = alt.X("demand:Q", title="Competitiveness for IMGs (0-100, higher is harder)", scale=x_scale,
              axis=alt.Axis(tickCount=10))
    layers: list[Any] = []
    if reach is not None:
        shade = pd.DataFrame([{"from": 0, "to": reach, "what": f"your score's band usually reaches {reach}"}])
        layers.append(alt.Chart(shade).mark_rect(opacity=0.25).encode(
            x=alt.X("from:Q", scale=x_scale), x2="to:Q",
            fill=alt.Fill("what:N", scale=alt.Scale(range=["#66bb6a"]), legend=_legend(None))))
    layers.append(alt.Chart(frame).mark_bar(height={"band": 0.7}).encode(
        x=x, y=y,
        color=alt.Color("what:N", scale=alt.Scale(domain=[target_label, "other specialties"],
                                                  range=["#c62828", "#b0bec5"]), legend=_legend(None)),
        tooltip=["specialty:N", alt.Tooltip("index:Q", title="index"), alt.Tooltip("demand:Q", title="with setting")],
    ))
    if predicted_reach is not None and predicted_reach != reach:
        line = pd.DataFrame([{"value": predicted_reach,
                              "what": f"your predicted score's band would reach {predicted_reach}"}])
        layers.append(alt.Chart(line).mark_rule(strokeWidth=2.5, strokeDash=[5, 3]).encode(
            x=alt.X("value:Q", scale=x_scale),
            stroke=alt.Stroke("what:N", scale=alt.Scale(range=["#1b5e20"]), legend=_legend(None))))
    return fit_width(alt.layer(*layers).resolve_scale(color="independent").properties(height={"step": 26}))


# --- which pictures a verdict gets ------------------------------------------------------------


@dataclass
class Picture:
    """One picture and the single question it answers; `chart` is an altair chart or graphviz DOT text."""

    key: str
    question: str
    chart: Any
    caption: str = ""

    @property
    def is_dot(self) -> bool:
        return isinstance(self.chart, str)


def band_reach(exam: ExamSpec, band_id: str | None) -> int | None:
    """How far (competitiveness index) a band usually reaches: the band's `fits_up_to` in the exam's data."""
    if band_id is None or exam.bands is None:
        return None
    for dated in exam.bands.entries:
        for band in dated.value:
            if band.id == band_id:
                return band.fits_up_to
    return None


def pictures(verdict: Verdict, profile: Profile, exam: ExamSpec, specialties: Sequence[Specialty],
             with_flowchart: bool = True) -> list[Picture]:
    """The pictures this verdict has something to say with, each answering one question.

    - the flowchart path, once the exam is passed (a verdict with a flowchart end);
    - IELTS / OET: every part against the GMC minimum; other scored exams: the score against the pass mark
      and the bands (none for pass/fail-only exams, which have no score to place);
    - the competitiveness view, where the score's band says how far it usually reaches (not for English
      tests, whose bands are about registration, not about which specialty a score opens).
    """
    found: list[Picture] = []
    if with_flowchart and verdict.outcome is not None:
        found.append(Picture("flowchart", "Which way through the decision flowchart?", flowchart_dot(verdict),
                             "Your path is drawn in blue; the end it reaches is filled."))
    parts = parts_picture(exam, profile, verdict)
    if parts is not None:
        if parts.drawable:
            caption = "The red tick on each bar is the minimum it must reach in one sitting."
            # Every bar green beside 'no valid pass': the result lapsed (an English result over two years
            # old), and the picture says so instead of seeming to contradict the verdict.
            lapsed = [d for d in verdict.eligibility.deadlines if d.days_left < 0]
            if lapsed and not verdict.eligibility.passed and not verdict.failing_parts:
                caption += f" Every part met it, but the result no longer counts: {lapsed[-1].text}"
            found.append(Picture("parts", f"Does each part of your {exam.name} meet the GMC minimum?",
                                 parts_chart(parts), caption))
        return found
    score = score_picture(exam, profile, verdict)
    if score.drawable:
        caption = ""
        if verdict.band is not None and verdict.band.heuristic:
            caption = "The bands are the decision framework's reading of what a score buys, not the authority's."
        found.append(Picture("score", "Where does your score sit against the pass mark and the bands?",
                             score_chart(score), caption))
    reach = band_reach(exam, verdict.band.id if verdict.band else None)
    if reach is not None and specialties:
        target_index = getattr(verdict, "target_index", None)
        found.append(Picture(
            "competitiveness", "Does your score reach your target specialty?",
            specialty_chart(specialties, profile.target.specialty, profile.target.setting, reach=reach,
                            predicted_reach=band_reach(exam, verdict.predicted_band.id if verdict.predicted_band
                                                       else None), target_index=target_index),
            "Index 0-100, higher is harder for IMGs: the framework's rough scale, not data. Your target's bar "
            "includes the setting (university programs ask more)."))
    return found


# --- the candidate's timeline: every exam's windows, deadlines and sittings on one time axis --------

TIMELINE_KINDS = {  # kind -> (words in the legend, colour, point shape)
    "sitting": ("a sitting", "#546e7a", "circle"),
    "result": ("a result", "#78909c", "diamond"),
    "earliest_retake": ("earliest retake", "#2e7d32", "triangle-right"),
    "window_opens": ("window opens", "#1565c0", "triangle-right"),
    "deadline": ("deadline", "#c62828", "square"),
    "validity_end": ("result stops counting", "#ef6c00", "square"),
    # A validity end already past is drawn too, greyed: it explains why an English result cannot be used.
    "validity_ended": ("result stopped counting (past)", "#8d6e63", "square"),
}
WINDOW_COLOUR = "#90caf9"


def timeline_frames(events: Sequence[Any], as_of: date,
                    names: dict[str, str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per dated event, one row per window) for `timeline_chart`.

    Every event gets its own row on the chart, labelled "date · exam: what" and ordered by date, so no
    two labels can share a line. A window runs from its `window_opens` event to the event of the same
    rule that closes it, on the closing event's row.
    """
    names = names or {}
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for event in events:
        if event.kind == "window_opens":
            continue  # drawn as the start of its window's bar
        shown = "validity_ended" if event.kind == "validity_end" and event.days_left < 0 else event.kind
        words, _, _ = TIMELINE_KINDS.get(shown, (event.kind, "#000000", "circle"))
        label = f"{event.date.isoformat()} · {names.get(event.exam, event.exam)}: {words}"
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label += f" ({seen[label]})"
        rows.append({"label": label, "date": event.date.isoformat(), "kind": words, "exam": names.get(event.exam,
                     event.exam), "rule": event.rule or "your own record", "text": event.text,
                     "days": event.days_left, "_rule": event.rule, "_kind": event.kind})
    points = pd.DataFrame(rows, columns=["label", "date", "kind", "exam", "rule", "text", "days", "_rule", "_kind"])
    windows = []
    for event in events:
        if event.kind != "window_opens":
            continue
        closing = next((r for r in rows if r["_rule"] == event.rule and r["_kind"] != "sitting"
                        and r["date"] >= event.date.isoformat()), None)
        if closing is not None:
            windows.append({"label": closing["label"], "start": event.date.isoformat(), "end": closing["date"],
                            "what": "window (opens → closes)", "text": event.text})
    return points, pd.DataFrame(windows, columns=["label", "start", "end", "what", "text"])


def timeline_chart(events: Sequence[Any], as_of: date, names: dict[str, str] | None = None) -> alt.LayerChart:
    """Bars for windows, a mark per deadline, earliest date and sitting, and a rule for today.

    Each event has its own row (the y axis lists them by date, full text, never thinned), so labels
    cannot overlap on any width; one legend below names every colour (kinds, the window bar, today).
    """
    points, windows = timeline_frames(events, as_of, names)
    order = list(points.sort_values(["date", "label"])["label"])
    today_words = f"today ({as_of.isoformat()})"
    window_words = "window (opens to closes)"
    kinds = [w for w, _, _ in TIMELINE_KINDS.values() if w in set(points["kind"])]
    domain = ([window_words] if len(windows) else []) + kinds + [today_words]
    palette = {w: c for w, c, _ in TIMELINE_KINDS.values()} | {window_words: WINDOW_COLOUR, today_words: "#212121"}
    colour = alt.Scale(domain=domain, range=[palette[d] for d in domain])
    shapes = {w: s for w, _, s in TIMELINE_KINDS.values()}
    # Three lines a label (the date, the exam, what), so on a phone the labels leave the plot and the legend
    # under it their width (with two, "IELTS Academic: result stopped counting (past)" pushed the legend
    # off a 390 px screen).
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(
        labelLimit=0, labelOverlap=False, labelPadding=6, labelLineHeight=13,
        labelExpr="split(replace(datum.value, ': ', ' · '), ' · ')"))
    # Padding keeps a mark on the first or last day whole; ticks every 6 months, thinned by Vega if crowded.
    x_scale = alt.Scale(padding=14)
    # labelFlush: a first or last label within 30 px of the plot's edge ends at it, never half outside (the report's PNG cut
    # "2027-01" to "2027-0").
    x_axis = alt.Axis(format="%Y-%m", labelOverlap="greedy", labelFlush=30, title=None,
                      tickCount={"interval": "month", "step": 6})
    legend = _legend(None)
    layers: list[Any] = []
    if len(windows):
        windows = windows.assign(what=window_words)
        layers.append(alt.Chart(windows).mark_bar(height={"band": 0.6}, cornerRadius=3, opacity=0.85).encode(
            x=alt.X("start:T", axis=x_axis, scale=x_scale), x2="end:T", y=y,
            color=alt.Color("what:N", scale=colour, legend=legend),
            tooltip=[alt.Tooltip("start:T", title="opens", format="%Y-%m-%d"),
                     alt.Tooltip("end:T", title="closes", format="%Y-%m-%d"), alt.Tooltip("text:N", title="what")]))
    # Today's rule under the marks: an event due today (an earliest retake) stays visible on top of it.
    today = pd.DataFrame([{"date": as_of.isoformat(), "what": today_words}])
    layers.append(alt.Chart(today).mark_rule(strokeWidth=2, strokeDash=[4, 3]).encode(
        x=alt.X("date:T", axis=x_axis, scale=x_scale), color=alt.Color("what:N", scale=colour, legend=legend)))
    layers.append(alt.Chart(points).mark_point(size=110, filled=True, opacity=1).encode(
        x=alt.X("date:T", axis=x_axis, scale=x_scale), y=y,
        color=alt.Color("kind:N", scale=colour, legend=legend),
        shape=alt.Shape("kind:N", scale=alt.Scale(domain=kinds, range=[shapes[k] for k in kinds]), legend=None),
        tooltip=[alt.Tooltip("date:T", format="%Y-%m-%d"), "exam:N", "kind:N", alt.Tooltip("days:Q", title="days left"),
                 "text:N", "rule:N"]))
    return fit_width(alt.layer(*layers).properties(height={"step": 44}))
