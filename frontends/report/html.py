"""The report as one self-contained HTML page (Jinja2, autoescaped; pictures inlined as PNG data)."""

from __future__ import annotations

import base64

from jinja2 import Environment, PackageLoader, select_autoescape

from frontends.report.content import Report

_ENV = Environment(loader=PackageLoader("frontends.report", "templates"),
                   autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
_ENV.filters["b64"] = lambda data: base64.b64encode(data).decode("ascii")


def _is_link(url: str) -> bool:
    return url.startswith(("https://", "http://"))


_ENV.tests["link"] = _is_link


def render_html(report: Report) -> str:
    return _ENV.get_template("report.html.j2").render(r=report)
