"""The `retake` command line (minimal first cut: `decide`; the full CLI is issue 4)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(help="Should you retake a licensing exam? A sourced, dated verdict.", no_args_is_help=True)


@app.command()
def decide(
    profile: Optional[Path] = typer.Argument(None, help="YAML or JSON profile; omit for the built-in example."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Judge as of this day (YYYY-MM-DD)."),
    as_json: bool = typer.Option(False, "--json", help="Print the verdict as JSON."),
) -> None:
    """Print the verdict for one profile."""
    from core import ProfileError, evaluate
    from core import examples
    from core.loading import read_profile_file

    try:
        data = read_profile_file(profile) if profile else examples.load()
        day = date.fromisoformat(as_of) if as_of else date.today()
        verdict = evaluate(data, day)
    except ProfileError as exc:
        for error in exc.errors:
            typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2)
    if as_json:
        typer.echo(json.dumps(verdict.to_json_dict(), indent=2))
    else:
        typer.echo(f"{verdict.exam}: {verdict.decision} / {verdict.outcome}")
        for reason in verdict.reasons:
            typer.echo(f"- [{reason.rule}] {reason.text}")


@app.command()
def version() -> None:
    """Print the version."""
    from core import __version__

    typer.echo(__version__)


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
