"""The `retake` command line: a thin Typer front end over core's verdict pipeline.

Exit codes: 0 done · 1 internal fault (a plugin or the rules engine failed: the message names it) ·
2 bad input or usage (the message names the field and the allowed values) · 3 `retake batch` wrote
every row but some rows were errors. With `--json`, stdout carries only JSON; everything meant for
people goes to stderr.

Start-up is kept light: core, rich and yaml are imported inside the commands that need them, and
help is rendered by Click's plain formatter (Typer's rich help pulls in markdown-it and friends).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, NoReturn, Optional

import typer

if TYPE_CHECKING:  # pragma: no cover
    from core.errors import ProfileError
    from core.plugins import Registry

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_ROW_ERRORS = 0, 1, 2, 3
PROGRESS_MIN_ROWS = 200  # a progress bar only for inputs long enough to wait for

app = typer.Typer(
    help="Should you retake a licensing exam? A sourced, dated verdict from the exam authority's rules.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# --- shared plumbing ---------------------------------------------------------------------------

def _say(message: str) -> None:
    typer.echo(message, err=True)


# Set by each command that has --json: its errors then also go to stdout as one JSON object.
_JSON_ERRORS = {"on": False}


def _json_errors(on: bool) -> None:
    _JSON_ERRORS["on"] = on


def _fail(message: str, code: int = EXIT_USAGE, allowed: str = "") -> NoReturn:
    if _JSON_ERRORS["on"]:
        _emit_json({"errors": [{"field": "", "message": message, "given": None, "allowed": allowed}],
                    "exit_code": code})
    _say(f"error: {message}" + (f" (allowed: {allowed})" if allowed else ""))
    raise typer.Exit(code)


def _emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")


def _print_profile_error(exc: "ProfileError", rename: dict[str, str] | None = None) -> None:
    rename = rename or {}
    _say("error: the input is not acceptable:" if len(exc.errors) > 1 else "error: the input is not acceptable")
    for one in exc.errors:
        field = rename.get(one.field, one.field)
        line = f"{field}: {one.message}" if field else one.message
        if one.given is not None and str(one.given) not in line:
            line += f" (given: {one.given})"
        if one.allowed and one.allowed not in line:
            line += f" (allowed: {one.allowed})"
        _say(f"  - {line}")


@contextmanager
def _handled(as_json: bool = False, rename: dict[str, str] | None = None) -> Iterator[None]:
    """Turn core's errors into exit codes and messages: never a traceback."""
    from core.errors import EngineError, PluginError, ProfileError

    as_json = as_json or _JSON_ERRORS["on"]
    try:
        yield
    except ProfileError as exc:
        if as_json:
            _emit_json({"errors": [
                {**one.to_dict(), "field": (rename or {}).get(one.field, one.field)} for one in exc.errors
            ], "exit_code": EXIT_USAGE})
        _print_profile_error(exc, rename)
        raise typer.Exit(EXIT_USAGE) from None
    except PluginError as exc:
        if as_json:
            _emit_json({"errors": [{"plugin": exc.plugin, "stage": exc.stage, "message": exc.detail}],
                        "exit_code": EXIT_INTERNAL})
        _json_errors(False)
        _fail(f"internal fault in plugin {exc.plugin!r} while {exc.stage}: {exc.detail}", EXIT_INTERNAL)
    except EngineError as exc:
        if as_json:
            _emit_json({"errors": [{"engine": True, "message": str(exc)}], "exit_code": EXIT_INTERNAL})
        _json_errors(False)
        _fail(f"internal fault in the rules engine: {exc}", EXIT_INTERNAL)


def _parse_day(value: Optional[str], option: str = "--as-of") -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        _fail(f"{option}: {value!r} is not a date", allowed="YYYY-MM-DD, e.g. 2026-11-25")


def _registry() -> "Registry":
    from core.plugins import build_registry

    with _handled():
        registry = build_registry()
    return registry


def _warn_load_errors(registry: "Registry") -> None:
    for info in registry.load_errors:
        _say(f"warning: plugin {info.name!r} did not load and is skipped ({info.error}); see `retake plugins`")


def _version_callback(value: bool) -> None:
    if value:
        try:
            from importlib.metadata import version

            found = version("retake-verdict")
        except Exception:  # noqa: BLE001 - running from a source tree without metadata
            from core import __version__ as found
        typer.echo(f"retake {found}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version_callback, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Should you retake a licensing exam? A sourced, dated verdict from the exam authority's rules.

    Exit codes: 0 done, 1 internal fault, 2 bad input or usage, 3 batch rows with errors.
    """


# --- decide ------------------------------------------------------------------------------------

# Quick options and the profile field each one fills (errors name the option the user typed).
QUICK_FIELDS = {
    "exam": ("exam", "--exam"),
    "date_": ("attempts[0].date", "--date"),
    "score": ("attempts[0].score", "--score"),
    "result": ("attempts[0].result", "--result"),
    "pass_mark": ("attempts[0].pass_mark", "--pass-mark"),
    "country": ("target.country", "--country"),
    "specialty": ("target.specialty", "--specialty"),
    "setting": ("target.setting", "--setting"),
    "predicted_score": ("plan.predicted_score", "--predicted-score"),
    "evidence": ("plan.evidence", "--evidence"),
    "months_to_application": ("plan.months_to_application", "--months-to-application"),
    "prep_months": ("plan.prep_months", "--prep-months"),
    "accept_retakes": ("programs_accept_retakes", "--programs-accept-retakes"),
}
ATTEMPT_OPTIONS = ("date_", "score", "result", "pass_mark")
QUICK_REQUIRED = ("exam", "date_", "country", "specialty")


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    if path.startswith("attempts[0]."):
        attempts = data.setdefault("attempts", [{}])
        attempts[0][path.split(".", 1)[1]] = value
        return
    node = data
    *parents, last = path.split(".")
    for part in parents:
        node = node.setdefault(part, {}) if isinstance(node.get(part, {}), dict) else node
    node[last] = value


def _read_profile(profile: str) -> Any:
    from core.loading import MAX_PROFILE_BYTES, parse_text, read_profile_file

    if profile == "-":
        stream = getattr(sys.stdin, "buffer", None)
        data = stream.read(MAX_PROFILE_BYTES + 1) if stream is not None else sys.stdin.read().encode("utf-8")
        return parse_text(data, name="stdin")
    return read_profile_file(profile)


def _needs_message() -> str:
    from core.examples import names

    return (
        "decide needs a profile: a YAML or JSON file, `-` to read one from stdin, --example NAME "
        f"({', '.join(names())}), or the quick options {', '.join(QUICK_FIELDS[o][1] for o in QUICK_REQUIRED)} "
        "(plus --score for scored exams). Example:\n"
        "  retake decide --exam usmle-step2ck --score 221 --date 2025-09-14 "
        "--specialty internal-medicine --country US --as-of 2026-11-25"
    )


@app.command()
def decide(
    profile: Optional[str] = typer.Argument(None, metavar="[PROFILE]",
                                            help="YAML or JSON profile file, or - to read it from stdin."),
    as_json: bool = typer.Option(False, "--json", help="Print exactly the verdict object as JSON on stdout."),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="YYYY-MM-DD", help="Judge as of this day (default: today)."),
    what_if: bool = typer.Option(False, "--what-if", help="Also list the smallest changes that flip the verdict."),
    example: Optional[str] = typer.Option(None, "--example", metavar="NAME", help="Use a built-in example profile."),
    exam: Optional[str] = typer.Option(None, "--exam", help="Quick use: exam id (see `retake exams`)."),
    date_: Optional[str] = typer.Option(None, "--date", metavar="YYYY-MM-DD", help="Quick use: the day of the sitting."),
    score: Optional[float] = typer.Option(None, "--score", help="Quick use: the score on the exam's scale."),
    result: Optional[str] = typer.Option(None, "--result", help="pass | fail | incomplete | no_standing (optional when the score decides it)."),
    pass_mark: Optional[float] = typer.Option(None, "--pass-mark", help="The sitting's own pass mark (PLAB 1)."),
    country: Optional[str] = typer.Option(None, "--country", help="Target country: US, GB (or UK), CA, ..."),
    specialty: Optional[str] = typer.Option(None, "--specialty", help="Target specialty id (see `retake specialties`)."),
    setting: Optional[str] = typer.Option(None, "--setting", help="community | university | any."),
    predicted_score: Optional[float] = typer.Option(None, "--predicted-score", help="Realistic score for a retake."),
    evidence: Optional[str] = typer.Option(None, "--evidence", help="practice-exams | self-estimate | none."),
    months_to_application: Optional[int] = typer.Option(None, "--months-to-application", help="Months until the next application cycle closes."),
    prep_months: Optional[int] = typer.Option(None, "--prep-months", help="Months of preparation a retake needs (default 4)."),
    accept_retakes: Optional[str] = typer.Option(None, "--programs-accept-retakes", help="yes | no | unknown."),
) -> None:
    """Print the verdict for one profile: a file, stdin (-), --example NAME, or the quick options.

    With a file, the non-attempt quick options (--exam, --country, --specialty, --setting, --predicted-score,
    --evidence, --months-to-application, --prep-months, --programs-accept-retakes) override its fields.
    """
    _json_errors(as_json)
    day = _parse_day(as_of)
    given = {name: value for name, value in locals().items() if name in QUICK_FIELDS and value is not None}
    sources = [s for s in (profile is not None, example is not None) if s]
    if len(sources) > 1:
        _fail("give either PROFILE or --example, not both")
    rename = {QUICK_FIELDS[name][0]: QUICK_FIELDS[name][1] for name in given}

    with _handled(as_json, rename):
        if profile is not None or example is not None:
            if profile is not None:
                data = _read_profile(profile)
            else:
                from core import examples

                if example not in examples.names():
                    _fail(f"--example: no built-in example {example!r}", allowed=", ".join(examples.names()))
                data = examples.load(example)
            stray = [QUICK_FIELDS[name][1] for name in given if name in ATTEMPT_OPTIONS]
            if stray:
                _fail(f"{', '.join(stray)} describe a single attempt and cannot be combined with a profile: "
                      "edit the attempts in the file instead")
            if isinstance(data, dict):
                for name, value in given.items():
                    _set(data, QUICK_FIELDS[name][0], value)
        elif given:
            missing = [QUICK_FIELDS[name][1] for name in QUICK_REQUIRED if name not in given]
            if missing:
                _fail(f"quick use needs {', '.join(missing)} as well (see `retake decide --help`)")
            data = {}
            for name, value in given.items():
                _set(data, QUICK_FIELDS[name][0], value)
        else:
            _fail(_needs_message())

        from core.model import parse_profile
        from core.pipeline import default_pipeline

        pipeline = default_pipeline()
        _warn_load_errors(pipeline.registry)
        parsed = parse_profile(data)
        verdict = pipeline.evaluate(parsed, day)
        changes = None
        if what_if:
            from core.whatif import smallest_changes

            changes = smallest_changes(parsed, day, pipeline)

    if as_json:
        body = verdict.to_json_dict()
        if changes is not None:
            body["what_if"] = [_change_dict(c) for c in changes]
        _emit_json(body)
        return
    from frontends import cli_render

    out = cli_render.console()
    exam_spec = pipeline.registry.exams.get(verdict.exam)
    cli_render.print_verdict(out, verdict, exam_spec.name if exam_spec else verdict.exam)
    if changes is not None:
        cli_render.print_what_if(out, changes)


def _change_dict(change: Any) -> dict[str, Any]:
    if hasattr(change, "to_dict"):
        return change.to_dict()
    return {"change": change.change, "fields": dict(change.fields), "decision": change.decision,
            "outcome": change.outcome}


# --- batch -------------------------------------------------------------------------------------

@app.command()
def batch(
    source: str = typer.Argument(..., metavar="IN", help="CSV or JSON Lines file of profiles, or - for stdin."),
    output: Optional[str] = typer.Option(None, "-o", "--output", metavar="OUT",
                                         help="Output file: .csv, .jsonl or .ndjson (default: stdout, input's format)."),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="YYYY-MM-DD", help="Judge as of this day (default: today)."),
    in_format: Optional[str] = typer.Option(None, "--format", metavar="csv|jsonl",
                                            help="Input format (default: from IN's extension, else sniffed)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr for long inputs."),
) -> None:
    """Judge many profiles: one output row per input row, verdict or error, in order.

    Exit 0 when every row was judged, 3 when some rows were errors (each names its field),
    2 when IN cannot be read or OUT cannot be written, 1 when a plugin or the engine failed on a row.
    The output is written to a temporary file in OUT's folder and renamed at the end.
    """
    import time

    from core import batch as batching

    _json_errors(False)
    day = _parse_day(as_of)
    if in_format is not None and in_format not in ("csv", "jsonl"):
        _fail(f"--format: {in_format!r} is not a format", allowed="csv, jsonl")
    name = None if source == "-" else source
    try:
        if source == "-":
            stream = getattr(sys.stdin, "buffer", None)
            data: bytes | str = stream.read() if stream is not None else sys.stdin.read()
        else:
            data = Path(source).read_bytes()
    except FileNotFoundError:
        _fail(f"IN: file not found: {source}", allowed="a CSV or JSON Lines file, or -")
    except IsADirectoryError:
        _fail(f"IN: {source} is a folder", allowed="a CSV or JSON Lines file, or -")
    except OSError as exc:
        _fail(f"IN: cannot read {source}: {exc.strerror}")
    fmt = in_format or batching.detect_format(name, data)

    out_fmt = fmt
    if output is not None and output != "-":
        if Path(output).is_dir():
            _fail(f"-o/--output: {output} is a folder", allowed="a file name ending in .csv, .jsonl or .ndjson")
        try:
            out_fmt = batching.output_format(output)
        except ValueError as exc:
            _fail(f"-o/--output: {exc}")
        folder = Path(output).parent
        if not folder.is_dir():
            _fail(f"-o/--output: the folder {folder} does not exist", allowed="an existing, writable folder")

    with _handled():
        rows = list(batching.profile_rows(data, fmt))
        from core.pipeline import default_pipeline

        pipeline = default_pipeline()
    _warn_load_errors(pipeline.registry)

    stats = batching.BatchStats()
    started = time.perf_counter()
    records = batching.judge_rows(rows, day, pipeline, fmt=fmt, stats=stats)
    try:
        if output is None or output == "-":
            _write_with_progress(records, sys.stdout, out_fmt, len(rows), progress)
            sys.stdout.flush()
        else:
            with batching.atomic_writer(output) as fh:
                _write_with_progress(records, fh, out_fmt, len(rows), progress)
    except BrokenPipeError:
        raise  # stdout's reader went away (`| head`): Click ends quietly (exit 1), not an output-file error
    except PermissionError as exc:
        _fail(f"-o/--output: cannot write to {Path(output or '.').parent or '.'}: {exc.strerror}",
              allowed="a writable folder")
    except OSError as exc:
        _fail(f"-o/--output: cannot write {output}: {exc.strerror or exc}")
    elapsed = time.perf_counter() - started

    where = f" -> {output}" if output not in (None, "-") else ""
    rate = f", {stats.rows / elapsed:,.0f} rows/s" if elapsed > 0 and stats.rows else ""
    _say(f"{stats.rows:,} rows: {stats.judged:,} judged, {stats.input_errors:,} with input errors, "
         f"{stats.internal_errors:,} internal faults{where} ({elapsed:.1f} s{rate})")
    if stats.internal_errors:
        raise typer.Exit(EXIT_INTERNAL)
    if stats.input_errors:
        raise typer.Exit(EXIT_ROW_ERRORS)


def _write_with_progress(records: Iterator[dict[str, Any]], fh: Any, fmt: str, total: int, progress: bool) -> None:
    from core.batch import RecordWriter

    writer = RecordWriter(fh, fmt)  # type: ignore[arg-type]
    if not progress or total < PROGRESS_MIN_ROWS:
        for record in records:
            writer.write(record)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("judging"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=Console(file=sys.stderr), transient=False)
    with bar:
        task = bar.add_task("rows", total=total)
        for number, record in enumerate(records, start=1):
            writer.write(record)
            if number % 50 == 0 or number == total:
                bar.update(task, completed=number)


# --- listings ----------------------------------------------------------------------------------

def _value_on(values: Any, day: date) -> Any:
    if values is None:
        return None
    try:
        return values.value_at(day)
    except LookupError:
        return None


def _source_dict(source: Any) -> dict[str, str]:
    return {"title": source.title, "url": source.url}


def _print_table(title: str, columns: list[tuple[str, str]], rows: list[dict[str, Any]],
                 styles: dict[str, str] | None = None, flexible: str | None = None) -> None:
    from frontends import cli_render

    cli_render.console().print(cli_render.listing(title, columns, rows, styles, flexible))


@app.command()
def exams(
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list on stdout."),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="YYYY-MM-DD", help="Show the values in force on this day."),
) -> None:
    """List the exams the installed plugins provide, with the policy values in force."""
    _json_errors(as_json)
    day = _parse_day(as_of)
    registry = _registry()
    rows = []
    for exam in sorted(registry.exams.values(), key=lambda e: e.id):
        scale = exam.scale_on(day)
        rows.append({
            "id": exam.id, "name": exam.name, "country": exam.country, "authority": exam.authority,
            "plugin": exam.plugin,
            "scale": None if scale is None else {"low": scale.low, "high": scale.high, "unit": scale.unit},
            "pass_mark": _value_on(exam.pass_mark, day), "pass_mark_per_sitting": exam.pass_mark_per_sitting,
            "attempt_limit": _value_on(exam.attempt_limit, day), "retake_after_pass": exam.retake_after_pass,
            "retakes_common": exam.retakes_common,
            "discontinued": exam.discontinued.isoformat() if exam.discontinued else None,
            "sources": [_source_dict(s) for s in exam.sources],
        })
    if as_json:
        _emit_json(rows)
        return
    for row in rows:
        scale = row["scale"]
        row["scale_text"] = f"{scale['low']:g}-{scale['high']:g}" if scale else "pass/fail"
        row["pass_text"] = "per sitting" if row["pass_mark_per_sitting"] else row["pass_mark"]
        row["name_text"] = f"{row['name']} ({row['country']}, plugin {row['plugin']})"
    _print_table(f"Exams (policy in force on {day.isoformat()})",
                 [("id", "Exam id"), ("name_text", "Name"), ("scale_text", "Scale"), ("pass_text", "Pass mark"),
                  ("attempt_limit", "Attempts"), ("retake_after_pass", "Retake after pass")],
                 rows, {"id": "bold cyan"}, flexible="name_text")
    _warn_load_errors(registry)


@app.command()
def specialties(
    country: Optional[str] = typer.Option(None, "--country", help="Only this target country's list (ISO code, e.g. US)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list on stdout."),
) -> None:
    """List target specialties with their competitiveness for IMGs (0-100, higher is harder)."""
    from core.context import tier_of
    from core.model import COUNTRY_ALIASES

    _json_errors(as_json)
    registry = _registry()
    if country is not None:
        code = COUNTRY_ALIASES.get(country.strip().upper(), country.strip().upper())
        if len(code) != 2 or not code.isalpha():
            _fail(f"--country: {country!r} is not a country code", allowed="ISO 3166 alpha-2, e.g. US, GB (or UK), CA")
        found = sorted(registry.specialties(code).values(), key=lambda s: (s.competitiveness, s.id))
    else:
        found = sorted(registry.all_specialties(), key=lambda s: (s.country or "", s.competitiveness, s.id))
    rows = [{
        "id": s.id, "name": s.name, "competitiveness": s.competitiveness, "tier": tier_of(s.competitiveness),
        "country": s.country, "source": _source_dict(s.source), "note": s.note,
    } for s in found]
    if as_json:
        _emit_json(rows)
        return
    for row in rows:
        row["name_text"] = row["name"] + (f" ({row['country']})" if row["country"] and country is None else "")
        row["name_text"] += f"\n{row['note']}" if row["note"] else ""
    title = f"Specialties for {code}" if country is not None else "Specialties (defaults for every country, then country overrides)"
    _print_table(title, [("id", "Specialty id"), ("name_text", "Name"), ("competitiveness", "Index (0-100)"),
                         ("tier", "Tier")], rows, {"id": "bold cyan"}, flexible="name_text")


def _rule_plugins(registry: "Registry") -> dict[str, str]:
    """Which plugin registered each rule (the registry keeps plugin rules in load order)."""
    owners: dict[str, str] = {}
    position = 0
    for info in registry.plugins:
        if not info.ok:
            continue
        for rule in registry.rules[position:position + info.rules]:
            owners[rule.id] = info.name
        position += info.rules
    return owners


@app.command()
def rules(
    exam: Optional[str] = typer.Option(None, "--exam", metavar="ID",
                                       help="Only the rules that can fire for this exam: the framework's and its plugin's."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list on stdout."),
) -> None:
    """List every rule: id, title, source, effective dates and confidence."""
    from core.framework import FRAMEWORK_RULES

    _json_errors(as_json)
    registry = _registry()
    owners = _rule_plugins(registry)
    every = [(rule, "framework") for rule in FRAMEWORK_RULES]
    every += [(rule, owners.get(rule.id, rule.id.split(".", 1)[0])) for rule in registry.rules]
    if exam is not None:
        with _handled(as_json, rename={"exam": "--exam"}):
            spec = registry.exam(exam)
        every = [(rule, owner) for rule, owner in every if owner in ("framework", spec.plugin)]
    rows = [{
        "id": rule.id, "title": rule.title, "plugin": owner, "source": rule.source.url or rule.source.title,
        "source_title": rule.source.title,
        "effective": rule.effective.isoformat() if rule.effective else None,
        "until": rule.until.isoformat() if rule.until else None,
        "effective_note": getattr(rule, "effective_note", ""),
        "confidence": rule.confidence, "priority": rule.priority,
    } for rule, owner in every]
    if as_json:
        _emit_json(rows)
        return
    for row in rows:
        row["when"] = (row["effective"] or row["effective_note"] or "-") + (f" until {row['until']}" if row["until"] else "")
        row["rule_text"] = f"{row['id']}\n{row['title']}\n{row['source']}"
    title = f"Rules for {exam}" if exam else "Rules"
    _print_table(f"{title} ({len(rows)})", [("rule_text", "Rule id / title / source"), ("plugin", "Plugin"),
                                            ("when", "Effective"), ("confidence", "Confidence")],
                 rows, flexible="rule_text")


@app.command()
def plugins(as_json: bool = typer.Option(False, "--json", help="Print a JSON list on stdout.")) -> None:
    """List the installed plugins: name, version, exams, and any load error."""
    _json_errors(as_json)
    registry = _registry()
    rows = [info.to_dict() for info in registry.plugins]
    if as_json:
        _emit_json(rows)
        return
    for row in rows:
        row["status"] = "ok" if row["error"] is None else "FAILED (below)"
    _print_table("Plugins", [("name", "Name"), ("version", "Version"), ("origin", "Origin"), ("exams", "Exams"),
                             ("rules", "Rules"), ("specialties", "Specialties"), ("status", "Status")],
                 rows, {"name": "bold cyan"})
    for row in rows:
        if row["error"] is not None:
            typer.echo(f"{row['name']}: {row['error']}")


# --- dashboard and plugin scaffold --------------------------------------------------------------

UPLOAD_LIMIT_MB = 10


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def dashboard(
    ctx: typer.Context,
    port: int = typer.Option(8501, "--port", help="Port to serve on."),
    headless: bool = typer.Option(False, "--headless", help="Do not open a browser (servers, containers)."),
    example: Optional[str] = typer.Option(None, "--example", metavar="NAME", help="Open on this built-in example."),
) -> None:
    """Start the Streamlit dashboard. Extra arguments go to `streamlit run` (e.g. --server.address 0.0.0.0)."""
    import importlib.util
    import subprocess

    _json_errors(False)
    spec = importlib.util.find_spec("frontends.dashboard")
    if spec is None or not spec.origin:
        _fail("the dashboard (frontends/dashboard.py) is not installed", EXIT_INTERNAL)
    if importlib.util.find_spec("streamlit") is None:
        _fail("streamlit is not installed: pip install streamlit", EXIT_INTERNAL)
    if not 1 <= port <= 65535:
        _fail(f"--port: {port} is not a port", allowed="1-65535")
    env = dict(os.environ)
    script_args: list[str] = []
    if example is not None:
        from core import examples

        if example not in examples.names():
            _fail(f"--example: no built-in example {example!r}", allowed=", ".join(examples.names()))
        env["RETAKE_EXAMPLE"] = example
        script_args = ["--", "--example", example]
    # Nothing the user enters leaves the machine: Streamlit's usage statistics are off. Uploads are
    # capped well above a 10,000-row batch file; a profile upload is capped again by core.loading.
    # Streamlit always runs headless: otherwise its first start on a new machine stops to ask for an
    # e-mail address on stdin (and fails without one). We open the browser ourselves once it answers.
    # It listens on localhost only (pass --server.address to change that), which also keeps Streamlit
    # from asking an outside service for this machine's public address.
    command = [sys.executable, "-m", "streamlit", "run", "--server.port", str(port),
               "--server.headless", "true", "--server.address", "localhost",
               "--browser.gatherUsageStats", "false", "--server.maxUploadSize", str(UPLOAD_LIMIT_MB),
               "--client.toolbarMode", "minimal", *ctx.args, spec.origin, *script_args]
    url = f"http://localhost:{port}"
    _say(f"starting the dashboard on {url} (Ctrl-C stops it)")
    stopped = threading.Event()
    if not headless:
        threading.Thread(target=_open_when_ready, args=(url, stopped), daemon=True).start()
    try:
        code = subprocess.call(command, env=env)
    except KeyboardInterrupt:
        code = 0
    except OSError as exc:
        _fail(f"cannot start streamlit: {exc}", EXIT_INTERNAL)
    finally:
        stopped.set()
    raise typer.Exit(code)


def _open_when_ready(url: str, stopped: threading.Event, wait_seconds: float = 60.0) -> None:
    """Open the user's browser on `url` once the local server answers its health check."""
    import urllib.request
    import webbrowser

    deadline = time.monotonic() + wait_seconds
    while not stopped.is_set() and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    webbrowser.open(url)
                    return
        except OSError:
            pass
        stopped.wait(0.5)


@app.command("new-plugin")
def new_plugin(
    name: str = typer.Argument(..., help="The plugin's name: lower-case letters, digits and dashes."),
    country: str = typer.Option(..., "--country", help="ISO 3166 alpha-2 code of the exam's country, e.g. IN."),
    dest: Path = typer.Option(Path("."), "--dest", help="Folder to create the plugin project in."),
) -> None:
    """Create a new country plugin project from the template (exams, dated policy, rules, tests)."""
    _json_errors(False)
    try:
        from core.scaffold import write_plugin
    except ImportError:
        _fail("the plugin scaffold is not available in this installation", EXIT_INTERNAL)
    try:
        created = write_plugin(name, country, dest)
    except ValueError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"--dest: cannot write to {dest}: {exc.strerror or exc}", allowed="a writable folder")
    _say(f"created {created}")
    _say(f"next: pip install -e {created}  then  retake plugins")
    typer.echo(str(created))


def main() -> None:
    """Console-script entry point: the app, with a last guard so no traceback reaches the user."""
    import gc

    try:
        app()
    except KeyboardInterrupt:
        _say("interrupted")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last resort: one line, not a traceback
        if os.environ.get("RETAKE_DEBUG"):
            raise
        _say(f"error: internal fault: {type(exc).__name__}: {exc} (set RETAKE_DEBUG=1 for the traceback)")
        sys.exit(EXIT_INTERNAL)
    finally:
        # The process is about to end: spare the interpreter a last full collection of everything
        # the imports built (pydantic schemas, rules). Measured: about 20 ms of a 170 ms `decide`.
        gc.freeze()


if __name__ == "__main__":
    main()
