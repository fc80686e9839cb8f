"""Rich rendering for the `retake` command line: the verdict view, the what-if list and the listings.

Rendering only: every fact shown comes from core's Verdict or Registry. Imported lazily by
`frontends.cli`, so `retake --help` and `--json` runs never pay for rich.
"""

from __future__ import annotations

import sys
from typing import Any, Iterable, Mapping, Sequence

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from core.dated_values import LONG_STANDING
from core.verdict import Verdict
from core.vocabulary import DECISION_TEXT, OUTCOME_NODE, OUTCOME_TEXT, QUESTION_NODE, QUESTION_TEXT

DECISION_STYLE = {
    "retake": "bold green",
    "do_not_retake": "bold yellow",
    "not_allowed": "bold red",
    "retake_required": "bold magenta",
}
OUTCOME_STYLE = {"plan_focused_retake": "bold green"}
TONE_STYLE = {"warning": "bold red", "reassurance": "bold green", "neutral": "bold"}
CONFIDENCE_STYLE = {"high": "green", "medium-high": "green", "medium": "yellow", "low": "red", "unconfirmed": "red"}


def console(stderr: bool = False) -> Console:
    """A console on the current stdout/stderr (looked up at call time, so test runners capture it)."""
    return Console(file=sys.stderr if stderr else sys.stdout, highlight=False)


def _glyphs(out: Console) -> dict[str, str]:
    unicode = (out.encoding or "").lower().startswith("utf")
    return {"arrow": "→" if unicode else "->", "dot": "·" if unicode else "-", "flag": "⚑" if unicode else "!",
            "none": "—" if unicode else "-"}


def _day(value: Any, none: str) -> str:
    return value.isoformat() if value is not None else none


def _yes_no(value: bool | None) -> Text:
    if value is None:
        return Text("?", style="dim")
    return Text("yes", style="bold") if value else Text("no", style="bold")


# --- decide ------------------------------------------------------------------------------------

def headline(verdict: Verdict, exam_name: str, g: Mapping[str, str]) -> Panel:
    decision = DECISION_TEXT[verdict.decision]
    style = DECISION_STYLE.get(verdict.decision, "bold")
    if verdict.headline.startswith(decision):
        lines = [Text(decision, style=style) + Text(verdict.headline[len(decision):])]
    else:
        lines = [Text(decision, style=style)] + ([Text(verdict.headline)] if verdict.headline else [])
    if verdict.outcome:
        end = Text(f"{g['arrow']} flowchart end {OUTCOME_NODE[verdict.outcome]}: ", style="dim")
        end.append(OUTCOME_TEXT[verdict.outcome], style=OUTCOME_STYLE.get(verdict.outcome, "bold cyan"))
        lines.append(end)
    else:
        # Not passed and no retake possible (limit reached, exam discontinued): there is no pass to come.
        lines.append(Text(f"{g['arrow']} not passed, and no retake is possible: the flowchart has no end here"
                          if verdict.decision == "not_allowed"
                          else f"{g['arrow']} not passed yet: the flowchart starts once the exam is passed", style="dim"))
    title = f"{exam_name} {g['dot']} as of {verdict.as_of.isoformat()}"
    if verdict.score is not None:
        title += f" {g['dot']} score {verdict.score:g}"
    if verdict.band is not None:
        title += f" (band {verdict.band.label})"
    border = DECISION_STYLE.get(verdict.decision, "bold").replace("bold ", "")
    return Panel(Group(*lines), title=title, title_align="left", border_style=border, box=box.ROUNDED)


def attempts_line(e: Any, g: Mapping[str, str]) -> str:
    """'2 used · 2 left · not passed yet'; no "N left" beside a retake that is not possible (that
    reads as a contradiction), and no "yet" either: '4 used · not passed'."""
    left = "" if not e.can_retake else (
        f" {g['dot']} no attempt limit" if e.attempts_left is None else f" {g['dot']} {e.attempts_left} left")
    state = "passed" if e.passed else ("not passed yet" if e.can_retake else "not passed")
    return f"{e.attempts_used} used{left} {g['dot']} {state}"


def eligibility_table(verdict: Verdict, g: Mapping[str, str]) -> Table:
    e = verdict.eligibility
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_row("Attempts", attempts_line(e, g))
    if e.can_retake:
        grid.add_row("Earliest retake", Text(_day(e.earliest_date, "now"), style="bold"))
    else:
        grid.add_row("Earliest retake", Text("no retake possible", style="red"))
    if verdict.pass_mark is not None:
        effective = verdict.pass_mark.effective
        since = "long-standing" if effective is not None and effective <= LONG_STANDING else \
            f"in force from {_day(effective, '?')}"
        grid.add_row("Pass mark", f"{verdict.pass_mark.value:g} ({since})")
    if verdict.target is not None:
        t = verdict.target
        index = f"index {t.demand}" + (f" ({t.index} + setting)" if t.demand != t.index else "")
        grid.add_row("Target", f"{t.specialty_name} {g['dot']} {t.country} {g['dot']} {t.setting} {g['dot']} {index}")
    if verdict.band is not None:
        band = verdict.band.label + (" (project heuristic)" if verdict.band.heuristic else "")
        if verdict.band.fits_up_to is not None and verdict.band.basis == "score" and verdict.eligibility.passed:
            band += f" {g['dot']} usually fits targets up to index {verdict.band.fits_up_to}"
        grid.add_row("Score band", band + (f" {g['dot']} {verdict.band.note}" if verdict.band.note else ""))
    if verdict.parts:
        # The deciding sitting part by part: what falls short first (with the authority's minimum), then the rest.
        line = Text()
        ordered = [p for p in verdict.parts if not p.met] + [p for p in verdict.parts if p.met]
        for i, part in enumerate(ordered):
            if i:
                line.append(f" {g['dot']} ")
            if part.met:
                line.append(f"{part.name} {part.shown}", style="dim")
            else:
                line.append(f"{part.name} {part.shown} (needs {part.shown_minimum})", style="bold red")
        grid.add_row("Parts", line)
    if verdict.predicted_band is not None:
        grid.add_row("Predicted band", verdict.predicted_band.label)
    for deadline in e.deadlines:
        if deadline.days_left >= 0:
            when = Text(f"{deadline.date.isoformat()} ({deadline.days_left} days left)",
                        style="bold red" if deadline.days_left <= 30 else "bold")
        else:
            when = Text(f"{deadline.date.isoformat()} (passed {-deadline.days_left} days ago)", style="dim")
        when.append(f"  {deadline.text}")
        grid.add_row("Deadline", when)
    for note in e.notes:
        grid.add_row("Note", Text(note, style="dim"))
    return grid


def path_table(verdict: Verdict, g: Mapping[str, str]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold cyan", no_wrap=True)
    grid.add_column(ratio=3)
    grid.add_column(no_wrap=True)
    grid.add_column(style="dim", ratio=1)
    for step in verdict.path:
        grid.add_row(QUESTION_NODE.get(step.question, "?"), QUESTION_TEXT.get(step.question, step.question),
                     _yes_no(step.answer), ", ".join(step.rules))
    if verdict.outcome:
        grid.add_row(f"{g['arrow']} {OUTCOME_NODE[verdict.outcome]}",
                     Text(OUTCOME_TEXT[verdict.outcome], style=OUTCOME_STYLE.get(verdict.outcome, "bold cyan")), "", "")
    return grid


def print_reasons(out: Console, reasons: Sequence[Any], g: Mapping[str, str]) -> None:
    """Each reason with its rule, dates and source; a source prints as one whole link (never folded)."""
    for number, reason in enumerate(reasons, start=1):
        head = Text(f" {number}. ", style="dim")
        head.append(reason.title, style=TONE_STYLE.get(getattr(reason, "tone", "neutral"), "bold"))
        head.append(f"  {reason.rule}", style="cyan")
        out.print(head)
        body = Text(reason.text)
        if reason.confidence != "high":
            body.append(f" (confidence: {reason.confidence})", style=CONFIDENCE_STYLE.get(reason.confidence, ""))
        grid = Table.grid(padding=(0, 0))
        grid.add_column(width=4)
        grid.add_column()
        grid.add_row("", body)
        out.print(grid)
        effective = _day(reason.effective, "") or getattr(reason, "effective_note", "") or g["none"]
        out.print(Text(f"    {effective} {g['dot']} {reason.source}", style="dim"), overflow="ignore", crop=False,
                  soft_wrap=True)


def _numbered(items: Sequence[Any], marker: Any, style: str) -> Table:
    """A list with a hanging indent: wrapped lines stay under the text, not under the marker."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", style=style, no_wrap=True)
    grid.add_column()
    for number, item in enumerate(items, start=1):
        grid.add_row(marker(number), item.text)
    return grid


TOP_REASONS = 3


def print_verdict(out: Console, verdict: Verdict, exam_name: str, full: bool = False) -> None:
    """The short view (headline, eligibility, what to do, the top reasons); `full` adds everything."""
    g = _glyphs(out)
    out.print(headline(verdict, exam_name, g))
    out.print(Text("Eligibility", style="bold underline"))
    out.print(eligibility_table(verdict, g))
    if full and verdict.path:
        out.print()
        out.print(Text("Path through the four questions", style="bold underline"))
        out.print(path_table(verdict, g))
    dangers = [f for f in verdict.red_flags if f.tone == "warning"]
    others = [f for f in verdict.red_flags if f.tone != "warning"]
    if dangers:
        out.print()
        out.print(Text("Watch out", style="bold underline red"))
        out.print(_numbered(dangers, lambda n: f" {g['flag']}", "bold red"))
    if others:
        out.print()
        # Before a pass there is no retake to weigh: the same items are what lies beyond the exam.
        heading = "Reasons not to retake" if verdict.eligibility.passed else "Beyond the exam"
        out.print(Text(heading, style="bold underline"))
        out.print(_numbered(others, lambda n: " +" if others[n - 1].tone == "reassurance" else " -", "bold green"))
    if verdict.actions:
        out.print()
        out.print(Text("What to do", style="bold underline"))
        out.print(_numbered(verdict.actions, lambda n: f" {n}.", "bold"))
    if verdict.unknowns:
        out.print()
        out.print(Text("Not judged (not given)", style="bold underline"))
        shown = verdict.unknowns if full else verdict.unknowns[:TOP_REASONS]
        out.print(_numbered(shown, lambda n: " ?", "dim"))
        if len(shown) < len(verdict.unknowns):
            out.print(Text(f"   … and {len(verdict.unknowns) - len(shown)} more (--full)", style="dim"))
    if full and verdict.notes:
        out.print()
        for note in verdict.notes:
            out.print(Text(f"Note: {note}", style="dim"))
    out.print()
    reasons = verdict.reasons
    if not full:
        first = [r for r in reasons if r.rule == verdict.deciding_rule]
        reasons = (first + [r for r in reasons if r.rule != verdict.deciding_rule])[:TOP_REASONS]
        out.print(Text(f"Top reasons ({len(reasons)} of {len(verdict.reasons)}; --full shows every rule)",
                       style="bold underline"))
    else:
        out.print(Text(f"Reasons ({len(verdict.reasons)} rules fired, in order)", style="bold underline"))
    print_reasons(out, reasons, g)
    out.print(Text(f"rules version {verdict.rules_version} {g['dot']} retake decide --json gives the full record",
                   style="dim"))


def print_what_if(out: Console, changes: Sequence[Any]) -> None:
    g = _glyphs(out)
    out.print()
    out.print(Text("What would change the verdict (smallest changes first)", style="bold underline"))
    if not changes:
        out.print(Text(" No small change to the plan or targets flips this verdict.", style="dim"))
        return
    for number, change in enumerate(changes, start=1):
        line = Text(f" {number}. ", style="bold") + Text(change.change)
        line.append(f" {g['arrow']} ")
        line.append(DECISION_TEXT.get(change.decision, change.decision),
                    style=DECISION_STYLE.get(change.decision, "bold"))
        if change.outcome:
            line.append(f" {g['dot']} ")
            line.append(OUTCOME_TEXT.get(change.outcome, change.outcome), style="cyan")
        out.print(line)


# --- listings ----------------------------------------------------------------------------------

def listing(title: str, columns: Sequence[tuple[str, str]], rows: Iterable[Mapping[str, Any]],
            styles: Mapping[str, str] | None = None, flexible: str | None = None) -> Table:
    """A table of `rows` showing `columns` (key, heading); lists are joined, None shows as a dash.

    Only the `flexible` column wraps; the others (ids, numbers, dates) keep their width.
    """
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, expand=False)
    for index, (key, heading) in enumerate(columns):
        flex = key == flexible
        table.add_column(heading, style=(styles or {}).get(key, ""), no_wrap=not flex, overflow="fold",
                         ratio=1 if flex else None, min_width=24 if flex else len(heading))
    for row in rows:
        cells = []
        for key, _ in columns:
            value = row.get(key)
            if isinstance(value, (list, tuple)):
                value = "\n".join(str(v) for v in value)
            elif isinstance(value, bool):
                value = "yes" if value else "no"
            elif isinstance(value, float):
                value = f"{value:g}"
            cells.append("-" if value in (None, "") else str(value))
        table.add_row(*cells)
    return table


# --- listings that fit the terminal (retake exams, rules, plugins, specialties) -------------------

def _cell_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "\n".join(str(v) for v in value) or "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return "-" if value in (None, "") else str(value)


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=1)


def _longest_line(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=1)


TABLE_GAP = 3  # what SIMPLE_HEAD without edges adds between two columns: padding, rule, padding
FOLD_FLOOR = 12  # a column of short values folds only past this width


def fitted_listing(title: str, columns: Sequence[tuple[str, str]], rows: Iterable[Mapping[str, Any]], width: int,
                   key: str, whole: Sequence[str] = (), styles: Mapping[str, str] | None = None) -> Any:
    """A listing that never breaks an id or a name mid-word at `width` columns.

    `key` (the id) stays whole on one line; the `whole` columns (names, lists of ids) wrap only
    between words; every other column folds. When even that does not fit, each row becomes a
    block: the id and name on one line, the other columns below it as `Heading value` pairs.
    """
    styles = styles or {}
    keys = [k for k, _ in columns]
    table_rows = [[_cell_text(row.get(k)) for k in keys] for row in rows]
    by_column = list(zip(*table_rows)) if table_rows else [() for _ in keys]
    floors, wants = [], []
    for index, (column, heading) in enumerate(columns):
        values = by_column[index]
        longest = max([_longest_line(v) for v in values] + [len(heading)])
        if column == key:
            floor = max([_longest_line(v) for v in values] + [_longest_word(heading)])
        elif column in whole:
            floor = max([_longest_word(v) for v in values] + [_longest_word(heading)])
        else:
            floor = min(max([_longest_word(v) for v in values] + [_longest_word(heading)]), FOLD_FLOOR)
        floors.append(floor)
        wants.append(max(longest, floor))
    room = width - TABLE_GAP * (len(columns) - 1)
    if sum(floors) > room:
        return _stacked(title, columns, table_rows, width, key, whole, styles)
    widths = list(floors)
    spare = room - sum(widths)
    order = [i for i, c in enumerate(keys) if c in whole] + [i for i, c in enumerate(keys) if c not in whole]
    for i in order:
        extra = min(spare, wants[i] - widths[i])
        widths[i] += extra
        spare -= extra
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, expand=False, show_edge=False,
                  pad_edge=False)
    for (column, heading), size in zip(columns, widths):
        table.add_column(heading, style=styles.get(column, ""), width=size, no_wrap=column == key,
                         overflow="ignore" if column == key else "fold")
    for cells in table_rows:
        table.add_row(*cells)
    return table


def _stacked(title: str, columns: Sequence[tuple[str, str]], table_rows: list[list[str]], width: int, key: str,
             whole: Sequence[str], styles: Mapping[str, str]) -> Any:
    from rich.padding import Padding

    keys = [k for k, _ in columns]
    at = keys.index(key)
    name_at = next((i for i, c in enumerate(keys) if c in whole and c != key), None)
    parts: list[Any] = [Text(title, style="italic"), Text("")]
    for cells in table_rows:
        head = Table.grid(padding=(0, 2))
        ident = cells[at]
        name = cells[name_at] if name_at is not None else ""
        if name and len(ident) + 2 + _longest_word(name) <= width:
            head.add_column(no_wrap=True, style=styles.get(key, "bold"))
            head.add_column(overflow="fold")
            head.add_row(ident, name)
            parts.append(head)
        else:
            parts.append(Text(ident, style=styles.get(key, "bold"), no_wrap=True, overflow="ignore"))
            if name:
                parts.append(Padding(Text(name), (0, 0, 0, 4)))
        details = [f"{heading}: {cells[i].replace(chr(10), ', ')}" for i, (column, heading) in enumerate(columns)
                   if i not in (at, name_at)]
        if details:
            parts.append(Padding(Text(" · ".join(details), overflow="fold"), (0, 0, 0, 4)))
    return Group(*parts)
