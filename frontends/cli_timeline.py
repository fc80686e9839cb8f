"""`retake timeline`: every dated event of a candidate across exams, as a table, JSON or an .ics file.

Also renders a multi-exam `retake decide`: a compact table per exam plus the timeline. Rendering
only: dates, rules and sources come from core's CandidateVerdict (`core.candidate_verdict`).
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Optional

import typer

from frontends.cli_common import _emit_json, _fail, _handled, _json_errors, _parse_day, _say, _warn_load_errors

KIND_WORDS = {"sitting": "sitting", "result": "result", "earliest_retake": "earliest retake",
              "window_opens": "window opens", "deadline": "deadline", "validity_end": "validity ends"}


def evaluate_file(profile: str, day: date) -> Any:
    """Read PROFILE (either form) and judge every exam in it (errors propagate as core's)."""
    from core.candidate_verdict import evaluate_candidate
    from core.pipeline import default_pipeline
    from frontends.cli_decide import _read_profile

    pipeline = default_pipeline()
    _warn_load_errors(pipeline.registry)
    return evaluate_candidate(_read_profile(profile), day, pipeline), pipeline


def write_ics(events: list[Any], path: Path, as_of: date, names: Optional[dict[str, str]] = None) -> int:
    """One all-day event per deadline, validity end and earliest retake date, titled with the exam's
    name ("PLAB 2: deadline"; `names` maps exam id to name). Returns how many."""
    from icalendar import Calendar, Event

    from core.timeline import CALENDAR_KINDS

    calendar = Calendar()
    calendar.add("prodid", "-//Retake Verdict//retake timeline//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # DTSTAMP is required; the verdict's day (not the clock) keeps the file reproducible.
    stamp = datetime(as_of.year, as_of.month, as_of.day, tzinfo=timezone.utc)
    count = 0
    for event in events:
        if event.kind not in CALENDAR_KINDS:
            continue
        item = Event()
        item.add("uid", f"{event.date.isoformat()}-{event.exam}-{event.kind}-{event.rule}@retake-verdict")
        item.add("dtstamp", stamp)
        item.add("dtstart", event.date)  # a date, not a datetime: an all-day event
        item.add("summary", f"{(names or {}).get(event.exam, event.exam)}: {KIND_WORDS.get(event.kind, event.kind)}")
        description = event.text + (f"\nSource: {event.source}" if event.source else "")
        description += f"\nRule: {event.rule}" if event.rule else ""
        item.add("description", description)
        if event.source and event.source.startswith("http"):
            item.add("url", event.source)
        item.add("categories", [event.kind])
        calendar.add_component(item)
        count += 1
    path.write_bytes(calendar.to_ical())
    return count


def exam_names(registry: Any) -> dict[str, str]:
    """Exam id -> the name people know it by (the timeline's events carry ids)."""
    return {exam_id: spec.name for exam_id, spec in registry.exams.items()}


def print_timeline(out: Any, events: list[Any], names: Optional[dict[str, str]] = None) -> None:
    from rich import box
    from rich.table import Table

    table = Table(title="Timeline", box=box.SIMPLE_HEAD, title_justify="left", expand=False)
    for name in ("date", "days", "exam", "what", "text"):
        table.add_column(name, overflow="fold")
    for event in events:
        days = "today" if event.days_left == 0 else (f"in {event.days_left}" if event.days_left > 0
                                                      else f"{-event.days_left} ago")
        style = "dim" if event.days_left < 0 else ("bold" if event.kind in ("deadline", "validity_end") else "")
        table.add_row(event.date.isoformat(), days, (names or {}).get(event.exam, event.exam),
                      KIND_WORDS.get(event.kind, event.kind), event.text, style=style)
    out.print(table)


def print_candidate(out: Any, result: Any, registry: Any) -> None:
    """Per exam: the same headline panel as `retake decide` (decision, the deciding fact, the
    flowchart's end), a compact eligibility table and the authority's rules that decided it; then
    those still to sit and the timeline."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    from core.timeline import to_sit_limits
    from frontends import cli_render

    glyphs = cli_render._glyphs(out)
    dot = glyphs["dot"]
    names = exam_names(registry)
    for exam_id, verdict in result.verdicts.items():
        out.print(cli_render.headline(verdict, names.get(exam_id, exam_id), glyphs))
        table = Table(box=box.SIMPLE_HEAD, show_header=False, padding=(0, 1))
        table.add_column("", style="dim")
        table.add_column("", overflow="fold")
        e = verdict.eligibility
        table.add_row("attempts", cli_render.attempts_line(e, glyphs))  # the same words as `retake decide`
        table.add_row("earliest retake", (e.earliest_date.isoformat() if e.earliest_date else "now")
                      if e.can_retake else "no retake possible")
        for deadline in e.deadlines:
            if deadline.days_left >= 0:
                table.add_row("deadline", f"{deadline.date.isoformat()} ({deadline.days_left} days left) {deadline.text}")
        # The authority's rules that decided it (framework judgement and context: `retake decide` per exam).
        policy = [r for r in verdict.reasons if not r.rule.startswith("framework.") and ".context." not in r.rule][:3]
        for reason in policy:
            table.add_row(reason.rule, reason.text)
        out.print(table)
    for exam_id in result.to_sit:
        name = escape(names.get(exam_id, exam_id))
        _, passed = to_sit_limits(result.timeline, exam_id)
        if passed is None:
            out.print(f"[bold]{name}[/bold]: still to sit (its dates are in the timeline)")
            continue
        # e.g. Step 3 closed by another Step's attempt limit: not simply "still to sit"
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        grid.add_row(f"[bold]{name}[/bold]:", f"not sat yet, and [yellow]a limit passed on "
                     f"{passed.date.isoformat()}[/yellow]: {escape(passed.text)}")
        out.print(grid)
    print_timeline(out, result.timeline, names)
    out.print(f"[dim]as of {result.as_of.isoformat()} {dot} rules version {result.rules_version}[/dim]")


def timeline(
    profile: str = typer.Argument(..., metavar="PROFILE", help="YAML or JSON profile (either form), or - for stdin."),
    ics: Optional[Path] = typer.Option(None, "--ics", metavar="FILE",
                                       help="Also write the deadlines as an iCalendar file to import."),
    as_json: bool = typer.Option(False, "--json", help="Print the timeline as a JSON list on stdout."),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="YYYY-MM-DD", help="Judge as of this day (default: today)."),
) -> None:
    """Every dated event across the profile's exams: sittings, earliest retakes, windows, deadlines, validity ends."""
    _json_errors(as_json)
    day = _parse_day(as_of)
    with _handled(as_json):
        result, pipeline = evaluate_file(profile, day)
    if ics is not None:
        try:
            count = write_ics(result.timeline, ics, day, exam_names(pipeline.registry))
        except OSError as exc:
            _fail(f"--ics: cannot write {str(ics)!r}: {exc.strerror or exc}")
        _say(f"wrote {count} events to {ics}")
    if as_json:
        _emit_json([event.to_dict() for event in result.timeline])
        return
    from frontends import cli_render

    print_timeline(cli_render.console(), result.timeline, exam_names(pipeline.registry))
