"""`retake plugins check NAME [--json]`: the contract kit (core.testing.check_plugin) run against an
installed plugin, each problem printed with its fix. Exit 0 when clean, 2 when a problem is found."""

from __future__ import annotations

from typing import Any

import typer

from frontends.cli_common import EXIT_USAGE, _emit_json, _escaped, _fail

# Problem text -> the fix, for the problems the kit and the registry find most often.
FIXES = (
    ("is not a valid profile", "correct the field the message names in that example's YAML file"),
    ("none of this plugin's exams", "set the example's exam: to one of the exam ids your plugin registers"),
    ("gives no verdict", "run `retake decide --example NAME --as-of DAY` and fix what it reports"),
    ("the name must be lower-case", "rename the example (its file name) to lower-case words joined by dashes"),
    ("give it a title", "start the example's YAML file with a # comment saying who the profile is"),
    ("example name", "give each example a name of its own (prefix it with your exam id)"),
    ("there is no rule", "override an id that `retake rules --exam ID` lists, or an action:/red_flag: key "
                         "from `retake decide --json`"),
    ("concludes the decision or a flowchart step", "write a rule of your own for the judgement; overrides "
                                                   "only reword or drop reasons, red flags and actions"),
    ("ids start with the plugin's name", "rename the rule id to start with the plugin's name and a dot"),
    ("has no field", "spell the field as the fact defines it (the message lists its fields)"),
    ("no fact", "quote a core fact ({case.score}) or one of your own facts ({myplugin_record.attempts})"),
    ("malformed placeholder", "balance the braces; write a literal brace as {{ or }}"),
    ("must name a fact and its field", "write {fact.field}, e.g. {case.score:g}"),
    ("is not one the Verdict knows", "conclude one of the values the message lists"),
    ("is not one of the flowchart's", "answer one of the flowchart's questions the message lists"),
    ("do not compile", "fix the rule's condition: build it with core.rules.fact(), lt(), gte(), one_of() ..."),
    ("at most", "register fewer rules: merge rules that differ only in a value"),
    ("source", "give every exam, dated value, band, rule and specialty a Source(title, url)"),
    ("belongs to the built-in plugin", "use an exam id of your own (e.g. prefixed with your plugin's name)"),
    ("no rule decided", "ship a rule concluding a decision for that eligibility state"),
    ("retake_register", "check the hook's name against core/hookspecs.py (a misspelt hook is refused)"),
    ("timed out", "a hook must answer quickly: do the work at import or cache it"),
    ("unconfirmed", "say 'unconfirmed' in the text of a rule with confidence='unconfirmed'"),
)


def fix_for(problem: str) -> str:
    for needle, fix in FIXES:
        if needle in problem:
            return fix
    return "see docs/writing-plugins.md"


def check_command(name: str, as_json: bool) -> None:
    from importlib import metadata

    from core.errors import PluginError
    from core.guests import guest_call
    from core.plugins import ENTRY_POINT_GROUP, REGISTER_TIMEOUT
    from core.testing import check_plugin

    found = {ep.name: ep for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}
    if name not in found:
        _fail(f"no installed plugin is named {_escaped(repr(name))}",
              allowed=", ".join(sorted(found)) + " (install yours with pip install -e PATH)")
    problems: list[str] = []
    notes: list[str] = []
    try:
        plugin = guest_call(name, "importing", "import", found[name].load, (), REGISTER_TIMEOUT, passes=())
    except PluginError as exc:
        problems.append(exc.detail)
    else:
        report = check_plugin(plugin, name)
        problems, notes = report.problems, report.notes
        if not problems:  # alone it is sound; beside the other installed plugins it may still be refused
            problems = _refused_beside_others(name)
    rows: list[dict[str, Any]] = [{"problem": p, "fix": fix_for(p)} for p in problems]
    if as_json:
        _emit_json({"plugin": name, "ok": not rows, "problems": rows, "notes": notes})
    else:
        typer.echo(f"plugin {name!r}: " + ("ok, the contract kit found no problem" if not rows
                                           else f"{len(rows)} problem(s)"))
        for row in rows:
            typer.echo(f"  - {row['problem']}\n    fix: {row['fix']}")
        for note in notes:
            typer.echo(f"  note: {note}")
    if rows:
        raise typer.Exit(EXIT_USAGE)


def _refused_beside_others(name: str) -> list[str]:
    """Why core refuses plugin `name` when it loads with every other installed plugin (an exam id,
    specialty or example name another plugin owns), or nothing."""
    from core.plugins import build_registry

    registry = build_registry(strict=False)
    return [info.error for info in registry.plugins if info.name == name and info.error]
