"""`retake decide`: the verdict for one profile (a file, stdin, a built-in example or the quick options)."""

from __future__ import annotations

import sys
from typing import Any, Optional

import typer

from frontends.cli_common import _emit_json, _fail, _handled, _json_errors, _parse_day, _warn_load_errors

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


def _example_data(name: str) -> Any:
    """The profile of the example `name` from the installed plugins; an unknown name fails listing them."""
    from core.pipeline import default_pipeline
    from core.plugin_examples import all_examples, find_example

    registry = default_pipeline().registry
    if name not in registry.examples:
        listed = "; ".join(f"{e.name} ({e.plugin})" for e in all_examples(registry)) or "none: no plugin ships one"
        _fail(f"--example: no installed plugin ships an example named {name!r}", allowed=listed)
    return find_example(name, registry).data()


def _needs_message() -> str:
    from core.pipeline import default_pipeline
    from core.plugin_examples import all_examples

    names = [e.name for e in all_examples(default_pipeline().registry)]
    return (
        "decide needs a profile: a YAML or JSON file, `-` to read one from stdin, --example NAME "
        f"({', '.join(names) or 'no plugin ships examples'}), or the quick options {', '.join(QUICK_FIELDS[o][1] for o in QUICK_REQUIRED)} "
        "(plus --score for scored exams). Example:\n"
        "  retake decide --exam usmle-step2ck --score 221 --date 2025-09-14 "
        "--specialty internal-medicine --country US --as-of 2026-11-25"
    )


def decide(
    profile: Optional[str] = typer.Argument(None, metavar="[PROFILE]",
                                            help="YAML or JSON profile file, or - to read it from stdin."),
    as_json: bool = typer.Option(False, "--json", help="Print exactly the verdict object as JSON on stdout."),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="YYYY-MM-DD", help="Judge as of this day (default: today)."),
    what_if: bool = typer.Option(False, "--what-if", help="Also list the smallest changes that flip the verdict."),
    full: bool = typer.Option(False, "--full", help="Show everything: the flowchart path, every reason, notes."),
    example: Optional[str] = typer.Option(None, "--example", metavar="NAME", help="Use an example profile a plugin ships (see `retake exams`)."),
    exam: Optional[str] = typer.Option(None, "--exam", help="Quick use: exam id (see `retake exams`)."),
    date_: Optional[str] = typer.Option(None, "--date", metavar="YYYY-MM-DD", help="Quick use: the day of the sitting."),
    score: Optional[float] = typer.Option(None, "--score", help="Quick use: the score on the exam's scale."),
    result: Optional[str] = typer.Option(None, "--result", help="pass | fail | incomplete | no_standing | denied_standing (optional when the score decides it)."),
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
    given = {name: value for name, value in dict(locals()).items() if name in QUICK_FIELDS and value is not None}
    sources = [s for s in (profile is not None, example is not None) if s]
    if len(sources) > 1:
        _fail("give either PROFILE or --example, not both")
    rename = {QUICK_FIELDS[name][0]: QUICK_FIELDS[name][1] for name in given}

    with _handled(as_json, rename):
        if profile is not None or example is not None:
            if profile is not None:
                data = _read_profile(profile)
            else:
                data = _example_data(example)
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

        from core.profile import parse_profile
        from core.pipeline import default_pipeline

        pipeline = default_pipeline()
        _warn_load_errors(pipeline.registry)
        from core.candidate import is_candidate_form

        if is_candidate_form(data):  # exams: form (issue 11); one exam in it prints the Verdict as before
            from core.candidate_verdict import evaluate_candidate

            result = evaluate_candidate(data, day, pipeline)
            if result.single is None:
                if what_if:
                    _fail("--what-if looks at one exam at a time: run it on a one-exam profile")
                _print_candidate(result, pipeline, as_json)
                return
            verdict = result.single
            parsed = result.candidate.profile(verdict.exam)
        else:
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
    cli_render.print_verdict(out, verdict, exam_spec.name if exam_spec else verdict.exam, full=full)
    if changes is not None:
        cli_render.print_what_if(out, changes)


def _print_candidate(result: Any, pipeline: Any, as_json: bool) -> None:
    if as_json:
        _emit_json(result.to_json_dict())
        return
    from frontends import cli_render
    from frontends.cli_timeline import print_candidate

    print_candidate(cli_render.console(), result, pipeline.registry)


def _change_dict(change: Any) -> dict[str, Any]:
    if hasattr(change, "to_dict"):
        return change.to_dict()
    return {"change": change.change, "fields": dict(change.fields), "decision": change.decision,
            "outcome": change.outcome, "effect": getattr(change, "effect", "different")}
