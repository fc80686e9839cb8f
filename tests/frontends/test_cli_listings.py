"""`retake rules`, `exams`, `plugins` and `specialties` at 80 columns (and narrower, and wider): every id
whole on one line, no name broken mid-word, no line past the width; `--json` does not depend on the width."""

from __future__ import annotations

import json

import pytest
from rich.console import Console
from typer.testing import CliRunner

from days import AS_OF_TEXT
from frontends.cli import app
from frontends.cli_render import fitted_listing

COMMANDS = {  # command -> (the JSON field holding ids, fields holding names, fields holding lists of ids)
    "rules": ("id", ("title", "plugin"), ()),
    "exams": ("id", ("name", "plugin"), ()),
    "plugins": ("name", (), ("exams",)),
    "specialties": ("id", ("name",), ()),
}


def _run(*args: str, columns: int) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.stdout


def _tokens(text: str) -> set[str]:
    return {token.strip(",;·()") for line in text.splitlines() for token in line.split()}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("columns", [80, 64, 200])
def test_listing_keeps_ids_and_names_whole(command: str, columns: int):
    extra = ["--as-of", AS_OF_TEXT] if command == "exams" else []
    rows = json.loads(_run(command, "--json", *extra, columns=columns))
    shown = _run(command, *extra, columns=columns)
    # nothing runs past the width, but a link alone on its line (a URL is never broken)
    assert all(len(line.rstrip()) <= columns or len(line.split()) == 1 for line in shown.splitlines()), shown
    assert "…" not in shown
    tokens = _tokens(shown)
    id_field, name_fields, id_lists = COMMANDS[command]
    for row in rows:
        assert row[id_field] in tokens, f"{row[id_field]!r} is not whole on one line at {columns} columns:\n{shown}"
        for listed in id_lists:
            for one in row[listed]:
                assert one in tokens, f"{one!r} broken at {columns} columns"
        for field in name_fields:
            for word in str(row[field]).split():
                assert word.strip(",;·()") in tokens, f"{row[field]!r}: {word!r} broken at {columns} columns"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_json_does_not_depend_on_the_width(command: str):
    extra = ["--as-of", AS_OF_TEXT] if command == "exams" else []
    assert _run(command, "--json", *extra, columns=80) == _run(command, "--json", *extra, columns=200)


def test_a_long_third_party_id_stays_whole():
    long_id = "nzrex.clinical-candidates-who-failed-twice-before-the-2024-format-change"
    rows = [{"id": long_id, "title": "A title of several words", "plugin": "nzrex", "source": "https://example.org/x"},
            {"id": "nzrex.short", "title": "Short", "plugin": "nzrex", "source": "-"}]
    console = Console(width=80, record=True, file=open("/dev/null", "w"))  # noqa: SIM115 - closed with the console
    console.print(fitted_listing("Rules", [("id", "Rule id"), ("title", "Title"), ("plugin", "Plugin"),
                                           ("source", "Source")], rows, 80, key="id", whole=("title", "plugin")))
    text = console.export_text()
    assert long_id in _tokens(text) and "nzrex.short" in _tokens(text)
    assert all(len(line.rstrip()) <= 80 for line in text.splitlines())
    console.file.close()


def test_a_table_when_it_fits():
    rows = [{"id": "x-1", "name": "One two", "n": 3}]
    console = Console(width=80, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(fitted_listing("T", [("id", "Id"), ("name", "Name"), ("n", "N")], rows, 80, key="id", whole=("name",)))
    lines = console.export_text().splitlines()
    assert any(line.split() == ["x-1", "One", "two", "3"] for line in lines)  # one row, one line
    console.file.close()
