"""The report as one self-contained HTML page (Jinja2, autoescaped; pictures inlined as PNG data)."""

from __future__ import annotations

import base64

from jinja2 import Environment, PackageLoader, select_autoescape

from frontends.report.content import CandidateReport, Report

_ENV = Environment(loader=PackageLoader("frontends.report", "templates"),
                   autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
_ENV.filters["b64"] = lambda data: base64.b64encode(data).decode("ascii")


def _is_link(url: str) -> bool:
    return url.startswith(("https://", "http://"))


_ENV.tests["link"] = _is_link


def render_html(report: Report | CandidateReport) -> str:
    """One template family: `report.html.j2` (one exam) and `candidate.html.j2` (a section per exam and
    the timeline) share `base.html.j2` and the verdict blocks of `_verdict.html.j2`."""
    name = "candidate.html.j2" if isinstance(report, CandidateReport) else "report.html.j2"
    return _ENV.get_template(name).render(r=report)
