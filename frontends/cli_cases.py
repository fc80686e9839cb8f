"""`retake cases …`: the case book — saved profiles with their verdict history, re-judged on demand.

The book is one SQLite file on this machine (`--db PATH`, else RETAKE_DB, else
$XDG_DATA_HOME/retake-verdict/cases.db); nothing is sent anywhere. Exit codes as everywhere
(0 done, 1 internal fault, 2 bad input or usage, 3 `import` kept some rows out) plus 4: `recheck`
found cases whose verdict changed (so it can run from cron and alert only then).
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Optional

import typer

from frontends.cli_common import (
    EXIT_INTERNAL, EXIT_ROW_ERRORS, _emit_json, _fail, _handled, _json_errors, _parse_day, _say, _warn_load_errors,
)

if TYPE_CHECKING:  # pragma: no cover
    from core.cases import CaseStore

EXIT_CHANGED = 4

cases_app = typer.Typer(
    help="Saved cases: named profiles kept on this machine with their verdicts; `recheck` re-judges them all.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

DB_HELP = "The case-book file (default: $RETAKE_DB, else $XDG_DATA_HOME/retake-verdict/cases.db)."
_db_option = typer.Option(None, "--db", metavar="PATH", help=DB_HELP)
_json_option = typer.Option(False, "--json", help="Print JSON on stdout (messages stay on stderr).")
_as_of_option = typer.Option(None, "--as-of", metavar="YYYY-MM-DD", help="Judge as of this day (default: today).")


def _case_fail(exc: Any) -> None:
    """A CaseError as every other input error: the field it names (NAME, --db), what is allowed."""
    from frontends.cli_common import _JSON_ERRORS

    if _JSON_ERRORS["on"]:
        _emit_json({"errors": [{"field": exc.field, "message": str(exc), "given": None, "allowed": exc.allowed}],
                    "exit_code": 2})
        _json_errors(False)
    _fail(f"{exc.field}: {exc}", allowed=exc.allowed)


@contextmanager
def _book(db: Optional[str]) -> Iterator["CaseStore"]:
    """The opened case book; its errors become exit codes and messages naming --db, NAME or PROFILE."""
    import sqlite3

    from core.cases import CaseError, open_store

    try:
        store = open_store(db)
    except CaseError as exc:
        _case_fail(exc)
    except RuntimeError as exc:  # a file from a newer schema
        _fail(f"--db: {exc}")
    try:
        with _handled():
            yield store
    except CaseError as exc:
        _case_fail(exc)
    except sqlite3.OperationalError as exc:  # e.g. still locked after the busy timeout, disk full
        _fail(f"the case book {store.path} could not be written: {exc}", EXIT_INTERNAL)
    finally:
        store.close()


def _pipeline() -> Any:
    from core.pipeline import default_pipeline

    with _handled():
        pipeline = default_pipeline()
    _warn_load_errors(pipeline.registry)
    return pipeline


def _read_profile(profile: str) -> Any:
    from frontends.cli_decide import _read_profile as read

    return read(profile)


def _summary_row(summary: Any) -> dict[str, Any]:
    case, latest = summary.case, summary.latest
    exams = list(case.profile.get("exams", {})) if isinstance(case.profile.get("exams"), dict) else [
        case.profile.get("exam")]  # the profile's order, the order its verdicts are listed in
    return {
        "name": case.name, "exams": [e for e in exams if e], "decision": latest.decision if latest else None,
        "outcome": latest.outcome if latest else None, "earliest_date": latest.earliest_date if latest else None,
        "next_deadline": latest.next_deadline if latest else None, "as_of": latest.as_of if latest else None,
        "rules_version": latest.rules_version if latest else None, "verdicts": summary.verdicts,
        "updated_at": case.updated_at,
    }


def _print_rows(title: str, rows: list[dict[str, Any]]) -> None:
    from frontends import cli_render

    # Narrow enough for 80 columns; the outcome and earliest date are in `show` and --json. The name is
    # never cut (it is what `show NAME` takes); a candidate's decisions go one a line, beside its exams.
    columns = [("name", "Case"), ("exams", "Exam"), ("decision", "Latest decision"),
               ("next_deadline", "Next deadline"), ("as_of", "As of")]
    shown = [{**row, "decision": _decision_lines(row)} for row in rows]
    cli_render.console().print(cli_render.listing(title, columns, shown))


def _decision_lines(row: dict[str, Any]) -> Any:
    """'mccqe1=not_allowed; nac=retake_required' as one line per exam of the row, in words; an exam
    listed without a verdict (still to sit) says so."""
    decision, exams = row.get("decision"), row.get("exams") or []
    if not decision or len(exams) < 2:
        return DECISION_WORDS.get(decision, decision)
    per_exam = dict(part.split("=", 1) for part in str(decision).split("; ") if "=" in part)
    return [DECISION_WORDS.get(per_exam[e], per_exam[e]) if e in per_exam else "still to sit" for e in exams]


DECISION_WORDS = {"retake": "retake", "do_not_retake": "do not retake", "not_allowed": "not allowed",
                  "retake_required": "retake required"}


# --- add, update, remove ------------------------------------------------------------------------


def _save_case(save, name: str, profile: str, as_of: Optional[str], as_json: bool, db: Optional[str],
               message) -> None:
    """The one path `add` and `update` share: read the profile, judge and store it, report the row."""
    _json_errors(as_json)
    day = _parse_day(as_of)
    with _handled(as_json):
        data = _read_profile(profile)
    pipeline = _pipeline()
    with _book(db) as store:
        with _handled(as_json):
            case = save(store, name, data, day, pipeline)
        row = _summary_row(store.summary(case.name))
    _done(row, as_json, message(case, store))


@cases_app.command("add")
def add(
    name: str = typer.Argument(..., help="A name for the case (e.g. the candidate's initials and exam)."),
    profile: str = typer.Argument(..., metavar="PROFILE", help="YAML or JSON profile file, or - for stdin."),
    as_of: Optional[str] = _as_of_option,
    as_json: bool = _json_option,
    db: Optional[str] = _db_option,
) -> None:
    """Save a profile as a new case, with its verdict as the first entry of its history."""
    from core.cases import add_case

    _save_case(add_case, name, profile, as_of, as_json, db,
               lambda case, store: f"saved case {case.name!r} in {store.path}")


@cases_app.command("update")
def update(
    name: str = typer.Argument(..., help="The case to change (see `retake cases list`)."),
    profile: str = typer.Argument(..., metavar="PROFILE", help="YAML or JSON profile file, or - for stdin."),
    as_of: Optional[str] = _as_of_option,
    as_json: bool = _json_option,
    db: Optional[str] = _db_option,
) -> None:
    """Replace a case's profile; its new verdict joins the history (earlier verdicts are kept)."""
    from core.cases import update_case

    _save_case(update_case, name, profile, as_of, as_json, db,
               lambda case, store: f"updated case {case.name!r} (revision {case.revision})")


def _done(row: dict[str, Any], as_json: bool, message: str) -> None:
    if as_json:
        _emit_json(row)
        return
    _say(message)
    _print_rows("", [row])


@cases_app.command("remove")
def remove(
    name: str = typer.Argument(..., help="The case to delete, with its whole history."),
    as_json: bool = _json_option,
    db: Optional[str] = _db_option,
) -> None:
    """Delete a case and every verdict it had. The data is erased from the file, not only hidden.

    To delete the whole case book, delete its file and the -wal/-shm files beside it
    (`retake cases list` names the file), or run: rm "$(retake cases path)"*
    """
    _json_errors(as_json)
    with _book(db) as store:
        deleted = store.remove(name.strip())
    if as_json:
        _emit_json({"removed": name.strip(), "verdicts_deleted": deleted})
        return
    _say(f"removed case {name.strip()!r} and its {deleted} verdict(s)")


@cases_app.command("path")
def path(db: Optional[str] = _db_option) -> None:
    """Print where the case book is (the file to back up, or to delete to erase every case)."""
    from core.cases import default_db_path

    typer.echo(str(Path(db) if db else default_db_path()))


# --- list, show, export ---------------------------------------------------------------------------


@cases_app.command("list")
def list_(
    as_json: bool = _json_option,
    db: Optional[str] = _db_option,
) -> None:
    """Every case with its latest decision and next deadline, by name."""
    _json_errors(as_json)
    with _book(db) as store:
        rows = [_summary_row(s) for s in store.summaries()]
        where = store.path
    if as_json:
        _emit_json(rows)
        return
    if not rows:
        _say(f"no cases yet in {where}: save one with `retake cases add NAME PROFILE`")
        return
    _print_rows(f"{len(rows)} case(s) in {where}", rows)


@cases_app.command("show")
def show(
    name: str = typer.Argument(..., help="The case to show."),
    as_json: bool = _json_option,
    db: Optional[str] = _db_option,
) -> None:
    """A case's profile and its verdict history, newest last (--json: with every full verdict)."""
    _json_errors(as_json)
    with _book(db) as store:
        case = store.get(name.strip())
        history = store.history(case.name)
    if as_json:
        _emit_json({"name": case.name, "profile": case.profile, "revision": case.revision,
                    "created_at": case.created_at, "updated_at": case.updated_at,
                    "verdicts": [_verdict_dict(v, full=True) for v in history]})
        return
    import yaml

    from frontends import cli_render

    out = cli_render.console()
    out.print(f"Case {case.name} (revision {case.revision}, saved {case.created_at}, changed {case.updated_at})",
              markup=False)
    out.print(yaml.safe_dump(case.profile, sort_keys=False, allow_unicode=True).rstrip(), markup=False)
    columns = [("checked", "Checked (UTC)"), ("as_of", "As of"), ("decision", "Decision"), ("outcome", "Outcome"),
               ("earliest_date", "Earliest retake"), ("next_deadline", "Next deadline"), ("rules_version", "Rules")]
    rows = [{**_verdict_dict(v), "checked": v.checked_at[:16].replace("T", " ")} for v in history]
    out.print(cli_render.listing(f"{len(history)} verdict(s), oldest first", columns, rows, flexible="outcome"))


def _verdict_dict(record: Any, full: bool = False) -> dict[str, Any]:
    data = {"checked_at": record.checked_at, "as_of": record.as_of, "rules_version": record.rules_version,
            "decision": record.decision, "outcome": record.outcome, "earliest_date": record.earliest_date,
            "next_deadline": record.next_deadline, "deadlines": list(record.deadlines)}
    if full:
        data["verdict"] = record.verdict
    return data


EXPORT_COLUMNS = ("name", "exams", "decision", "outcome", "earliest_date", "next_deadline", "as_of",
                  "rules_version", "verdicts", "updated_at")


@cases_app.command("export")
def export(
    fmt: str = typer.Option("jsonl", "--format", metavar="csv|jsonl",
                            help="jsonl: one case per line (name, profile, latest verdict; `import` reads it "
                                 "back). csv: one summary row per case, for spreadsheets."),
    output: Optional[str] = typer.Option(None, "-o", "--output", metavar="OUT", help="Output file (default: stdout)."),
    db: Optional[str] = _db_option,
) -> None:
    """Write every case out: JSON Lines (complete, re-importable) or CSV (the list's columns)."""
    import csv
    import io
    import json

    _json_errors(False)
    if fmt not in ("csv", "jsonl"):
        _fail(f"--format: {fmt!r} is not a format", allowed="csv, jsonl")
    with _book(db) as store:
        buffer = io.StringIO()
        if fmt == "csv":
            writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, lineterminator="\n", extrasaction="ignore")
            writer.writeheader()
        count = 0
        for summary in store.iter_latest():
            row = _summary_row(summary)
            if fmt == "csv":
                writer.writerow({**row, "exams": ";".join(row["exams"])})
            else:
                line = {"name": summary.case.name, "profile": summary.case.profile,
                        "latest": _verdict_dict(summary.latest, full=True) if summary.latest else None}
                buffer.write(json.dumps(line, ensure_ascii=False, sort_keys=False) + "\n")
            count += 1
    _write_out(buffer.getvalue(), output)
    _say(f"exported {count} case(s) as {fmt}" + (f" -> {output}" if output not in (None, "-") else ""))


def _write_out(text: str, output: Optional[str]) -> None:
    if output is None or output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from core.batch import atomic_writer

    target = Path(output)
    if target.is_dir():
        _fail(f"-o/--output: {output} is a folder", allowed="a file name")
    if not target.parent.is_dir():
        _fail(f"-o/--output: the folder {target.parent} does not exist", allowed="an existing, writable folder")
    try:
        with atomic_writer(output) as fh:
            fh.write(text)
    except OSError as exc:
        _fail(f"-o/--output: cannot write {output}: {exc.strerror or exc}")


# --- import, recheck --------------------------------------------------------------------------------


@cases_app.command("import")
def import_(
    source: str = typer.Argument(..., metavar="FILE", help="CSV or JSON Lines file (the `retake batch` formats)."),
    in_format: Optional[str] = typer.Option(None, "--format", metavar="csv|jsonl",
                                            help="Input format (default: from FILE's extension, else sniffed)."),
    replace: bool = typer.Option(False, "--update", help="Replace the profile of a case whose name exists."),
    as_of: Optional[str] = _as_of_option,
    as_json: bool = _json_option,
    db: Optional[str] = _db_option,
) -> None:
    """Save every row of a batch file as a case; each row's result is reported, none is lost.

    Names come from a `name` column (CSV) or key (JSON Lines), else FILE's name and the row number.
    A file from `retake cases export` imports back. Exit 0 when every row is saved (or already was),
    3 when some rows were kept out (each says why).
    """
    from core import batch as batching
    from core.cases.importing import import_rows

    _json_errors(as_json)
    day = _parse_day(as_of)
    if in_format is not None and in_format not in ("csv", "jsonl"):
        _fail(f"--format: {in_format!r} is not a format", allowed="csv, jsonl")
    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except FileNotFoundError:
        _fail(f"FILE: file not found: {source}", allowed="a CSV or JSON Lines file, or -")
    except IsADirectoryError:
        _fail(f"FILE: {source} is a folder", allowed="a CSV or JSON Lines file, or -")
    except OSError as exc:
        _fail(f"FILE: cannot read {source}: {exc.strerror}")
    fmt = in_format or batching.detect_format(None if source == "-" else source, data)
    stem = "stdin" if source == "-" else Path(source).stem
    pipeline = _pipeline()
    with _book(db) as store:
        with _handled(as_json, {"IN": "FILE"}):
            report = import_rows(store, data, fmt, day, stem=stem, pipeline=pipeline, replace=replace)
    kept_out = report.count("error") + report.count("refused")
    if as_json:
        _emit_json(report.to_dict())
    else:
        for row in report.rows:
            if row.status in ("error", "refused"):
                _say(f"row {row.row}{f' ({row.name})' if row.name else ''}: {row.status}: {row.message}")
        _say(f"{len(report.rows)} row(s): {report.count('added')} added, {report.count('updated')} updated, "
             f"{report.count('unchanged')} already saved, {kept_out} kept out")
    if kept_out:
        raise typer.Exit(EXIT_ROW_ERRORS)


@cases_app.command("recheck")
def recheck(
    as_of: Optional[str] = _as_of_option,
    save: bool = typer.Option(True, "--save/--no-save",
                              help="File each changed verdict in its case's history (default) or only report."),
    everything: bool = typer.Option(False, "--all", help="List unchanged cases too."),
    as_json: bool = _json_option,
    db: Optional[str] = _db_option,
) -> None:
    """Re-judge every case with the installed rules; list what changed since each case's last verdict.

    Per case: decision, outcome, earliest retake date, deadlines, and reasons that now apply or no
    longer apply, each with the rule ids responsible. Exit 0 when nothing changed, 4 when something did.
    """
    from core.cases import recheck as run

    _json_errors(as_json)
    day = _parse_day(as_of)
    pipeline = _pipeline()
    with _book(db) as store:
        report = run(store, day, pipeline, save=save)
    if as_json:
        _emit_json(report.to_dict(everything))
    else:
        _print_recheck(report, everything)
    if report.changed:
        raise typer.Exit(EXIT_CHANGED)


def _print_recheck(report: Any, everything: bool) -> None:
    changed = report.changed
    for case in changed:
        before, after = case.before_rules_version or "?", case.after_rules_version or "?"
        rules = f"rules version {after} both times" if before == after else f"rules version {before} -> {after}"
        typer.echo(f"{case.name}: CHANGED since its verdict as of {case.before_as_of or '?'} ({rules})")
        if case.error:
            typer.echo(f"  now: {case.error}")
        for change in case.changes:
            if change.field != "reason":
                typer.echo(f"  - {change.describe()}")
        for exam in dict.fromkeys(c.exam for c in case.changes if c.field == "reason"):
            new = [c.item for c in case.changes if c.field == "reason" and c.exam == exam and c.after]
            gone = [c.item for c in case.changes if c.field == "reason" and c.exam == exam and c.before]
            if new:
                typer.echo(f"  - {exam}: reasons that now apply: {', '.join(new)}")
            if gone:
                typer.echo(f"  - {exam}: reasons that no longer apply: {', '.join(gone)}")
    if everything:
        for case in report.cases:
            if not case.changed:
                typer.echo(f"{case.name}: unchanged ({case.decision_after})")
    kept = " (not saved: --no-save)" if not changed or report.filed == 0 else ""
    _say(f"rechecked {report.checked} case(s) as of {report.as_of} with rules {report.rules_version}: "
         f"{len(changed)} changed" + ("" if not changed else kept if report.filed == 0 else
                                     f", {report.filed} new verdict(s) saved"))
    if changed and report.filed:
        # Tried as a new user: a second recheck said "0 changed" and the first one's news seemed lost.
        _say("each change is reported once: the next recheck compares with the verdicts saved now "
             "(`retake cases show NAME` keeps every verdict; `--no-save` looks without saving)")
