"""The report as a PDF (fpdf2: pure Python, no system library, no browser).

The PDF uses the core Helvetica font, which covers Latin-1: the few typographic characters outside it
(dashes, curly quotes, arrows, ellipses) are written as their plain equivalents, so the PDF needs no
font file on the machine.
"""

from __future__ import annotations

import io
import struct
import unicodedata
from datetime import datetime, timezone

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from frontends.report.content import CandidateReport, Report

_PLAIN = str.maketrans({"\u2014": "-", "\u2013": "-", "\u2011": "-", "\u2212": "-", "\u2026": "...",
                        "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2265": ">=",
                        "\u2264": "<=", "\u2192": "->", "\u2022": "-", "\u00a0": " ", "\u2009": " ",
                        "\u202f": " "})
INK = (33, 33, 33)
GREY = (97, 97, 97)
ACCENT = (239, 108, 0)
LINK = (21, 101, 192)


def latin1(text: str) -> str:
    """`text` in the core font's Latin-1: typographic marks made plain, accents kept, the rest decomposed."""
    text = str(text).translate(_PLAIN)
    try:
        text.encode("latin-1")
        return text
    except UnicodeEncodeError:
        decomposed = unicodedata.normalize("NFKD", text)
        return decomposed.encode("latin-1", "ignore").decode("latin-1")


class _Page(FPDF):
    def __init__(self, report: Report | CandidateReport):
        super().__init__(format="A4")
        self.report = report
        self.set_margins(16, 16, 16)
        self.set_auto_page_break(True, margin=18)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font("helvetica", size=7.5)
        self.set_text_color(*GREY)
        r = self.report
        self.cell(0, 4, latin1(f"As of {r.as_of.isoformat()} - rules version {r.rules_version} - guidance, "
                               f"not the authority's decision - page {self.page_no()}/{{nb}}"), align="C")


def _text(pdf: FPDF, text: str, size: float = 10, style: str = "", colour=INK, height: float | None = None,
          indent: float = 0) -> None:
    pdf.set_font("helvetica", style, size)
    pdf.set_text_color(*colour)
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(pdf.epw - indent, height or size * 0.5, latin1(text), align="L", new_x=XPos.LMARGIN,
                   new_y=YPos.NEXT)


def _heading(pdf: FPDF, text: str, keep: float = 25) -> None:
    """A section heading, moved to a new page unless `keep` mm of what follows it fit below it
    (a heading never stands alone at a page's foot)."""
    if pdf.get_y() + 12 + keep > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(3)
    _text(pdf, text, 13, "B", height=7)
    pdf.ln(1)


def _link(pdf: FPDF, label: str, url: str, size: float = 8.5) -> None:
    pdf.set_font("helvetica", "", size)
    pdf.set_text_color(*GREY)
    pdf.set_x(pdf.l_margin)
    pdf.write(size * 0.5, latin1(label))
    if url.startswith(("https://", "http://")):
        pdf.set_text_color(*LINK)
        pdf.write(size * 0.5, latin1(url), link=url)
    else:
        pdf.write(size * 0.5, latin1(url))
    pdf.ln(size * 0.5)


def _event(pdf: FPDF, when: str, what: str, source: str) -> None:
    """One timeline row with its source line, never split over two pages."""
    pdf.set_font("helvetica", "", 10)
    lines = len(pdf.multi_cell(pdf.epw - 62, 5.5, latin1(what), dry_run=True, output="LINES"))
    if pdf.will_page_break(lines * 5.5 + (4.25 if source else 0)):
        pdf.add_page()
    _rows(pdf, [(when, what)], first=62)
    if source:
        _link(pdf, "Source: ", source)


def _rows(pdf: FPDF, rows: list[tuple[str, str]], first: float = 45) -> None:
    for label, value in rows:
        pdf.set_font("helvetica", "B", 10)
        pdf.set_text_color(*INK)
        y = pdf.get_y()
        pdf.multi_cell(first, 5.5, latin1(label), new_x=XPos.RIGHT, new_y=YPos.TOP)
        pdf.set_font("helvetica", "", 10)
        pdf.multi_cell(pdf.epw - first, 5.5, latin1(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_y(max(pdf.get_y(), y + 5.5))


def _start(report: Report | CandidateReport) -> _Page:
    pdf = _Page(report)
    pdf.set_title(latin1(report.title))
    pdf.set_author("Retake Verdict")
    # A fixed creation date (the as-of day) keeps the same verdict's PDF byte-identical run to run.
    pdf.set_creation_date(datetime(report.as_of.year, report.as_of.month, report.as_of.day, tzinfo=timezone.utc))
    pdf.add_page()
    _text(pdf, report.title, 11, "B", GREY, height=6)
    return pdf


def _summary(pdf: FPDF, report: Report, size: float = 18) -> None:
    _text(pdf, report.decision_label, size, "B", height=size / 2)
    if report.detail:
        detail = 12 if size >= 18 else 11  # the headline's words, under the label and above the outcome
        _text(pdf, report.detail, detail, "B", height=detail * 0.55)
    if report.outcome:
        _text(pdf, report.outcome, 12, "", height=6.5)
    if report.decided_by:
        _text(pdf, "Decided by: " + "; ".join(report.decided_by), 9.5, colour=GREY)


def _guidance(pdf: FPDF, report: Report | CandidateReport) -> None:
    _text(pdf, f"Target: {report.target} - judged as of {report.as_of.isoformat()} - rules version "
          f"{report.rules_version}", 9, colour=GREY)
    pdf.ln(2)
    pdf.set_fill_color(255, 243, 224)
    pdf.set_draw_color(*ACCENT)
    pdf.set_font("helvetica", "", 9.5)
    pdf.set_text_color(*INK)
    pdf.multi_cell(pdf.epw, 5, latin1(report.guidance), border="L", fill=True, new_x=XPos.LMARGIN,
                   new_y=YPos.NEXT, padding=2)


def _png_height(pdf: FPDF, png: bytes) -> float:
    width, height = struct.unpack(">II", png[16:24])  # the PNG header's IHDR size
    return pdf.epw * height / width


def _text_height(pdf: FPDF, text: str, size: float, height: float, style: str = "") -> float:
    """How tall `_text` would draw `text` (fpdf2's dry run: nothing is drawn)."""
    pdf.set_font("helvetica", style, size)
    lines = pdf.multi_cell(pdf.epw, height, latin1(text), dry_run=True, output="LINES")
    return len(lines) * height


def _picture_height(pdf: FPDF, question: str, png: bytes, caption: str) -> float:
    """The height `_picture` takes: its question, the image and its caption."""
    return (_text_height(pdf, question, 10.5, 6, "B") + _png_height(pdf, png)
            + (_text_height(pdf, caption, 8.5, 4.25) if caption else 0) + 2)


def _picture(pdf: FPDF, question: str, png: bytes, caption: str) -> None:
    """A picture with its question above and its caption below, all on one page."""
    if pdf.will_page_break(_picture_height(pdf, question, png, caption)):
        pdf.add_page()
    _text(pdf, question, 10.5, "B", height=6)
    with io.BytesIO(png) as data:
        pdf.image(data, x=pdf.l_margin, w=pdf.epw)
    if caption:
        _text(pdf, caption, 8.5, colour=GREY)
    pdf.ln(2)


def render_pdf(report: Report | CandidateReport) -> bytes:
    if isinstance(report, CandidateReport):
        return _render_candidate(report)
    pdf = _start(report)
    _summary(pdf, report)
    _guidance(pdf, report)
    _verdict_sections(pdf, report)
    _closing(pdf, report)
    return bytes(pdf.output())


def _render_candidate(report: CandidateReport) -> bytes:
    pdf = _start(report)
    for line in report.summary:  # every exam: its decision label, then the headline's own words
        _text(pdf, f"{line.exam}: {line.label}", 12, "B", height=6.5)
        if line.detail:
            _text(pdf, line.detail, 10.5, height=5.5, indent=3)
        pdf.ln(1)
    _guidance(pdf, report)

    # The picture right under its heading, the two kept on one page; the table of every date follows.
    pic = report.timeline_picture
    _heading(pdf, "Timeline across your exams",
             keep=_picture_height(pdf, pic.question, pic.png, pic.caption) if pic is not None else 25)
    if pic is not None:
        _picture(pdf, pic.question, pic.png, pic.caption)
    if report.picture_note:
        _text(pdf, report.picture_note, 9, colour=GREY)
    for line in report.timeline:
        _event(pdf, line.when, line.what if line.what.startswith(line.exam) else f"{line.exam}: {line.what}",
               line.source)
    if not report.timeline:
        _text(pdf, "No dated events are known.", 10)

    for section in report.sections:
        pdf.add_page()
        _text(pdf, section.exam, 15, "B", height=8)
        _summary(pdf, section, size=13)
        _verdict_sections(pdf, section, with_glossary=False)
    _glossary(pdf, report.glossary)  # once, for every exam
    _closing(pdf, report)
    return bytes(pdf.output())


def _glossary(pdf: FPDF, terms: list[tuple[str, str]]) -> None:
    _heading(pdf, "Words used here")
    for term, words in terms:
        _text(pdf, term, 9.5, "B", height=5)
        _text(pdf, words, 9, height=4.6, indent=2)


def _verdict_sections(pdf: FPDF, report: Report, with_glossary: bool = True) -> None:
    """Eligibility to the glossary: the blocks the one-exam report and each exam of a candidate share
    (a candidate's report gives the glossary once, at its end)."""
    _heading(pdf, "Eligibility")
    _rows(pdf, report.eligibility)
    for note in report.notes:
        _text(pdf, note, 9, colour=GREY)

    _heading(pdf, "Timeline")
    for event in report.timeline:
        _event(pdf, event.when, event.what, event.source)

    _heading(pdf, "What to do")
    for number, action in enumerate(report.actions, 1):
        _text(pdf, f"{number}. {action}", 10, height=5.5)
    if not report.actions:
        _text(pdf, "Nothing more.", 10)
    if report.red_flags:
        _text(pdf, "Also weigh", 10.5, "B", height=6.5)
        for flag in report.red_flags:
            _text(pdf, f"- {flag}", 10, height=5.5, indent=2)

    if report.path:
        _heading(pdf, "Your path through the decision flowchart")
        for step in report.path:
            _text(pdf, f"{step.node}. {step.question} {step.answer}", 10, height=5.5)
        if report.outcome:
            _text(pdf, report.outcome, 10, "B", height=5.5)

    if report.pictures or report.picture_note:
        first = report.pictures[0] if report.pictures else None
        # The heading keeps its first picture (with its question and caption) on its page.
        _heading(pdf, "Pictures", keep=_picture_height(pdf, first.question, first.png, first.caption) if first
                 else 10)
        for picture in report.pictures:
            _picture(pdf, picture.question, picture.png, picture.caption)
        if report.picture_note:
            _text(pdf, report.picture_note, 9, colour=GREY)

    _heading(pdf, f"Why: {len(report.reasons)} rules fired")
    for reason in report.reasons:
        if pdf.get_y() > pdf.h - 45:
            pdf.add_page()
        _text(pdf, reason.title, 10.5, "B", height=5.5)
        _text(pdf, reason.text, 10, height=5)
        _link(pdf, "Source: ", reason.source)
        detail = f"{reason.source_title} - " if reason.source_title else ""
        _text(pdf, f"{detail}{reason.effective} - confidence {reason.confidence} - rule {reason.rule}", 8.5,
              colour=GREY, height=4.5)
        pdf.ln(2)

    if with_glossary:
        _glossary(pdf, report.glossary)


def _closing(pdf: FPDF, report: Report | CandidateReport) -> None:
    pdf.ln(3)
    _text(pdf, f"Judged as of {report.as_of.isoformat()} - rules version {report.rules_version}", 9, colour=GREY)
    _text(pdf, report.guidance, 9, colour=GREY)
