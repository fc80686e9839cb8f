"""The listing commands: `retake exams`, `specialties`, `rules` and `plugins` (a table, or JSON with --json)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Optional

import typer

from frontends.cli_common import _emit_json, _fail, _handled, _json_errors, _parse_day, _registry, _warn_load_errors

if TYPE_CHECKING:  # pragma: no cover
    from core.plugins import Registry


def _value_on(values: Any, day: date) -> Any:
    if values is None:
        return None
    try:
        return values.value_at(day)
    except LookupError:
        return None


def _source_dict(source: Any) -> dict[str, str]:
    return {"title": source.title, "url": source.url}


def _print_table(title: str, columns: list[tuple[str, str]], rows: list[dict[str, Any]], key: str,
                 whole: tuple[str, ...] = (), styles: dict[str, str] | None = None) -> None:
    """A listing fitted to the terminal: the `key` column (ids) whole on one line, the `whole` ones
    (names, lists of ids) wrapped only between words, the rest folded (cli_render.fitted_listing)."""
    from frontends import cli_render

    out = cli_render.console()
    out.print(cli_render.fitted_listing(title, columns, rows, out.width, key, whole, styles))


def exams(
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list on stdout."),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="YYYY-MM-DD", help="Show the values in force on this day."),
) -> None:
    """List the exams the installed plugins provide, with the policy values in force."""
    _json_errors(as_json)
    day = _parse_day(as_of)
    registry = _registry()
    from core.plugin_examples import all_examples

    shipped = all_examples(registry)
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
            "examples": [{"name": e.name, "title": e.title, "plugin": e.plugin} for e in shipped if exam.id in e.exams],
        })
    if as_json:
        _emit_json(rows)
        return
    for row in rows:
        scale = row["scale"]
        row["scale_text"] = f"{scale['low']:g}-{scale['high']:g}" if scale else "pass/fail"
        row["pass_text"] = "per sitting" if row["pass_mark_per_sitting"] else row["pass_mark"]
        row["name_text"] = f"{row['name']} ({row['country']}, plugin {row['plugin']})"
        row["examples_text"] = [f"{e['name']} ({e['plugin']})" for e in row["examples"]]
    _print_table(f"Exams (policy in force on {day.isoformat()})",
                 [("id", "Exam id"), ("name_text", "Name"), ("scale_text", "Scale"), ("pass_text", "Pass mark"),
                  ("attempt_limit", "Attempts"), ("retake_after_pass", "Retake after pass"),
                  ("examples_text", "Examples (plugin)")],
                 rows, key="id", whole=("name_text", "examples_text"), styles={"id": "bold cyan"})
    _warn_load_errors(registry)


def specialties(
    country: Optional[str] = typer.Option(None, "--country", help="Only this target country's list (ISO code, e.g. US)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list on stdout."),
) -> None:
    """List target specialties with their competitiveness for IMGs (0-100, higher is harder)."""
    from core.specialty_index import tier_of
    from core.vocabulary import country_code

    _json_errors(as_json)
    registry = _registry()
    if country is not None:
        code = country_code(country)
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
                         ("tier", "Tier")], rows, key="id", whole=("name_text", "tier"), styles={"id": "bold cyan"})


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
    from core.exams import policies_checked_by_plugin

    checks = policies_checked_by_plugin(registry.exams.values())
    rows = [{
        "id": rule.id, "title": rule.title, "plugin": owner, "source": rule.source.url or rule.source.title,
        "source_title": rule.source.title,
        "effective": rule.effective.isoformat() if rule.effective else None,
        "until": rule.until.isoformat() if rule.until else None,
        "effective_note": getattr(rule, "effective_note", ""),
        "confidence": rule.confidence, "priority": rule.priority,
        "policies_checked": checks[owner].day.isoformat() if owner in checks else None,
    } for rule, owner in every]
    if as_json:
        _emit_json(rows)
        return
    for row in rows:
        row["when"] = (row["effective"] or row["effective_note"] or "-") + (f"\nuntil {row['until']}" if row["until"] else "")
    title = f"Rules for {exam}" if exam else "Rules"
    _print_table(f"{title} ({len(rows)})", [("id", "Rule id"), ("title", "Title"), ("plugin", "Plugin"),
                                            ("when", "Effective"), ("confidence", "Confidence"), ("source", "Source")],
                 rows, key="id", whole=("title", "plugin"), styles={"id": "bold cyan"})
    _print_checks({owner: check for owner, check in checks.items() if owner in {row["plugin"] for row in rows}})


def _print_checks(checks: dict[str, Any]) -> None:
    """One line per plugin: the day its policies were last checked against the authority, and where."""
    for owner, check in sorted(checks.items()):
        typer.echo(f"{owner}: policies last checked {check.day.isoformat()}, re-check at\n  "
                   f"{check.source.url or check.source.title}")


def plugins(
    action: Optional[str] = typer.Argument(None, metavar="[check NAME]",
                                           help="`check NAME`: run the contract kit against that installed plugin."),
    name: Optional[str] = typer.Argument(None, hidden=True),
    as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
) -> None:
    """List the installed plugins (name, version, exams, load errors), or `check NAME`: run the
    contract kit against one and print each problem with its fix (exit 0 clean, 2 problems)."""
    _json_errors(as_json)
    if action is not None:
        if action != "check" or not name:
            _fail(f"plugins: unknown action {action!r}" if action != "check" else "plugins check needs a plugin name",
                  allowed="retake plugins [--json] | retake plugins check NAME [--json]")
        from frontends.cli_plugin_check import check_command

        check_command(name, as_json)
        return
    registry = _registry()
    from core.exams import policies_checked_by_plugin

    checks = policies_checked_by_plugin(registry.exams.values())
    rows = [info.to_dict() for info in registry.plugins]
    for row in rows:  # the day the plugin's policies were last checked against the authority, and where
        check = checks.get(row["name"])
        row["policies_checked"] = None if check is None else {
            "day": check.day.isoformat(), "source": _source_dict(check.source), "note": check.note}
    if as_json:
        _emit_json(rows)
        return
    for row in rows:
        row["status"] = "ok" if row["error"] is None else "FAILED (below)"
    _print_table("Plugins", [("name", "Name"), ("version", "Version"), ("origin", "Origin"), ("exams", "Exams"),
                             ("rules", "Rules"), ("specialties", "Specialties"), ("status", "Status")],
                 rows, key="name", whole=("exams",), styles={"name": "bold cyan"})
    _print_checks(checks)
    for row in rows:
        if row["error"] is not None:
            typer.echo(f"{row['name']}: {row['error']}")
