"""`retake report PROFILE -o FILE`: the verdict as a report to keep (HTML or PDF, chosen by the extension)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from frontends.cli_common import _fail, _handled, _json_errors, _parse_day, _say, _warn_load_errors

FORMATS = {".html": "HTML", ".htm": "HTML", ".pdf": "PDF"}


def report(
    profile: str = typer.Argument(..., metavar="PROFILE", help="YAML or JSON profile file, or - to read it from stdin."),
    output: Path = typer.Option(..., "-o", "--output", metavar="FILE",
                                help="Where to write the report: FILE.html or FILE.pdf."),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="YYYY-MM-DD", help="Judge as of this day (default: today)."),
    pictures: bool = typer.Option(True, "--pictures/--no-pictures", help="Include the pictures (default: yes)."),
) -> None:
    """Write the verdict for PROFILE as a report to keep or hand on: HTML or PDF, by the file's extension.

    The report holds the headline, eligibility and timeline, what to do, every reason with its source and
    date, the pictures, the as-of day and rules version, and says it is guidance, not the authority's decision.
    """
    _json_errors(False)
    suffix = output.suffix.lower()
    if suffix not in FORMATS:
        _fail(f"-o/--output: {output.name!r} has no report extension", allowed="a file name ending .html or .pdf")
    day = _parse_day(as_of)
    with _handled():
        from core.pipeline import default_pipeline
        from frontends import report as reports
        from frontends.cli_decide import _read_profile

        data = _read_profile(profile)
        pipeline = default_pipeline()
        _warn_load_errors(pipeline.registry)
        body = reports.render(reports.any_report_for(data, day, pipeline, with_pictures=pictures), suffix)
    try:
        # Written next to the target, then moved into place: an interrupted run never leaves half a file.
        partial = output.with_name(f".{output.name}.partial")
        partial.write_bytes(body)
        partial.replace(output)
    except OSError as exc:
        _fail(f"-o/--output: cannot write {output}: {exc.strerror or exc}", allowed="a writable file path")
    _say(f"wrote {FORMATS[suffix]} report {output}")
