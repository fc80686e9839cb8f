"""A verdict report to keep: the same content as HTML (one Jinja2 template) and PDF (fpdf2).

`build_report` gathers what a person keeps from a verdict, in plain words: the headline, eligibility
and timeline, what to do, every reason with its source and date, the pictures, the as-of day and
rules version, and the line saying it is guidance, not the authority's decision. `render_html` and
`render_pdf` only lay it out, so the two files always say the same thing.

Neither needs a browser or a system library: pictures are drawn by vl-convert (Vega-Lite to PNG,
pure PyPI wheels); the flowchart path is given in words, which needs no graphviz.
"""

from __future__ import annotations

from frontends.report.content import (CandidateReport, Report, any_report_for, build_candidate_report, build_report,
                                      report_for_profile)
from frontends.report.html import render_html
from frontends.report.pdf import render_pdf

__all__ = ["CandidateReport", "Report", "any_report_for", "build_candidate_report", "build_report", "render_html", "render_pdf", "report_for_profile", "render"]


def render(report: Report | CandidateReport, suffix: str) -> bytes:
    """The report as the file type `suffix` names ('.html'/'.htm' or '.pdf')."""
    suffix = suffix.lower()
    if suffix in (".html", ".htm"):
        return render_html(report).encode("utf-8")
    if suffix == ".pdf":
        return render_pdf(report)
    raise ValueError(f"no report format for {suffix!r}")
