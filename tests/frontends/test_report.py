"""`retake report` and frontends.report: HTML and PDF from one content, checked by reading them back."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader
from typer.testing import CliRunner

from core import default_pipeline, examples
from frontends import report
from frontends.cli import app

AS_OF = date(2026, 11, 25)


@pytest.fixture(scope="module")
def pipeline():
    return default_pipeline()


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def _squash(text: str) -> str:
    """Text without white space: a long link wrapped over two lines still reads as one."""
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("name", examples.names())
def test_pdf_holds_the_headline_and_every_reasons_source(name, pipeline, tmp_path):
    content = report.report_for_profile(examples.load(name), AS_OF, pipeline, with_pictures=False)
    text = _pdf_text(report.render_pdf(content), tmp_path)
    squashed = _squash(text)
    first_page = _squash(text.split("page 1/")[0])
    # The decision's label, then the headline's own words (the label not said twice), on the first page.
    assert _squash(content.decision_label) in first_page and _squash(report.pdf.latin1(content.detail)) in first_page
    assert not content.detail.startswith(content.decision_label)
    assert content.reasons, "every example fires rules"
    for reason in content.reasons:
        assert _squash(reason.source) in squashed, reason.rule
    assert AS_OF.isoformat() in text and content.rules_version in squashed
    assert "not a decision of" in text


def test_html_report_says_the_same_and_escapes_text(pipeline):
    content = report.report_for_profile(examples.load("plab1-borderline"), AS_OF, pipeline, with_pictures=False)
    content.reasons[0].text = "<script>alert(1)</script>"
    html = report.render_html(content)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert f'<p class="decision decision-{content.decision}">{content.decision_label}</p>' in html
    for reason in content.reasons:
        assert reason.source in html
    assert "guidance" in html and content.rules_version in html and "2026-11-25" in html


def test_report_pictures_are_images(pipeline):
    content = report.report_for_profile(examples.load("usmle-step2ck-low-pass"), AS_OF, pipeline)
    assert [p.question for p in content.pictures] == [
        "Where does your score sit against the pass mark and the bands?",
        "Does your score reach your target specialty?"]
    assert all(p.png.startswith(b"\x89PNG") for p in content.pictures)
    assert "data:image/png;base64," in report.render_html(content)


def test_a_pass_fail_exam_gets_no_score_picture(pipeline):
    profile = {"exam": "nac", "attempts": [{"date": "2026-03-01", "result": "pass"}],
               "target": {"country": "CA", "specialty": "family-medicine"}}
    content = report.report_for_profile(profile, AS_OF, pipeline)
    assert content.pictures == []


def test_the_same_verdict_gives_the_same_pdf(pipeline):
    data = examples.load("mccqe1-new-scale")
    first = report.render_pdf(report.report_for_profile(data, AS_OF, pipeline, with_pictures=False))
    second = report.render_pdf(report.report_for_profile(data, AS_OF, pipeline, with_pictures=False))
    assert first == second


runner = CliRunner()


@pytest.mark.parametrize("suffix", [".html", ".pdf"])
def test_retake_report_writes_the_file_the_extension_names(suffix, tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text(examples.text("usmle-step2ck-low-pass"), encoding="utf-8")
    out = tmp_path / f"report{suffix}"
    result = runner.invoke(app, ["report", str(profile), "-o", str(out), "--as-of", "2026-11-25", "--no-pictures"])
    assert result.exit_code == 0, result.output
    body = out.read_bytes()
    assert body.startswith(b"%PDF" if suffix == ".pdf" else b"<!doctype html>")
    assert not list(tmp_path.glob(".*.partial"))


def test_retake_report_bad_input_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["report", "nope.yaml", "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 2 and "file not found" in result.output
    result = runner.invoke(app, ["report", "nope.yaml", "-o", str(tmp_path / "r.docx")])
    assert result.exit_code == 2 and ".html or .pdf" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"exam": "usmle-step2ck", "attempts": [{"date": "2025-01-01", "score": 999}],
                                   "target": {"country": "US", "specialty": "pediatrics"}}), encoding="utf-8")
    result = runner.invoke(app, ["report", str(bad), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 2 and "attempts[0].score" in result.output
    assert not (tmp_path / "r.pdf").exists()


HEADINGS = ("Pictures", "Words used here")


@pytest.mark.parametrize("name", examples.names())
def test_no_heading_is_left_alone_at_a_page_foot(name, pipeline, tmp_path):
    """A section heading is followed on its page by what it heads (the 'Pictures' heading once sat
    alone at the bottom of page 1, its first picture on page 2)."""
    content = report.report_for_profile(examples.load(name), AS_OF, pipeline)
    path = tmp_path / "report.pdf"
    path.write_bytes(report.render_pdf(content))
    for number, page in enumerate(PdfReader(path).pages, 1):
        lines = [line.strip() for line in (page.extract_text() or "").splitlines() if line.strip()]
        tail = [line for line in lines[-3:] if "not the authority's decision - page" not in line]
        assert not tail or tail[-1] not in HEADINGS, f"page {number} ends with the heading {tail[-1]!r}"


def test_candidate_pdf_has_every_exams_headline_and_the_timeline(pipeline, tmp_path):
    """A multi-exam profile (issue 11): a section per exam with its headline, and every timeline entry."""
    from core.candidate_verdict import evaluate_candidate

    data = yaml.safe_load((Path(__file__).parents[2] / "examples/candidates/uk-plab.yaml").read_text())
    day = date(2026, 9, 1)
    content = report.any_report_for(data, day, pipeline, with_pictures=False)
    assert isinstance(content, report.CandidateReport)
    result = evaluate_candidate(data, day, pipeline)
    assert [s.exam for s in content.sections] == [pipeline.registry.exams[e].name for e in result.verdicts]
    squashed = _squash(_pdf_text(report.render_pdf(content), tmp_path))
    for section in content.sections:
        assert _squash(report.pdf.latin1(section.detail)) in squashed
    assert "PLAB2:Stilltosit" in squashed
    assert result.timeline
    for event in result.timeline:
        assert _squash(report.pdf.latin1(event.text)) in squashed, event.text
        assert event.date.isoformat() in squashed
    html = report.render_html(content)
    assert html.count('<section class="exam">') == len(result.verdicts)
    assert "Timeline across your exams" in html


def test_retake_report_on_a_candidate_writes_both_formats(tmp_path):
    profile = Path(__file__).parents[2] / "examples/candidates/uk-plab.yaml"
    for suffix in (".html", ".pdf"):
        out = tmp_path / f"candidate{suffix}"
        result = runner.invoke(app, ["report", str(profile), "-o", str(out), "--as-of", "2026-09-01",
                                     "--no-pictures"])
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 1000


CANDIDATES = Path(__file__).parents[2] / "examples/candidates"
CANDIDATE_FILES = sorted(p.name for p in CANDIDATES.glob("*.yaml"))


def _candidate(name: str, pipeline, with_pictures: bool = False) -> report.CandidateReport:
    content = report.any_report_for(yaml.safe_load((CANDIDATES / name).read_text()), AS_OF, pipeline,
                                    with_pictures=with_pictures)
    assert isinstance(content, report.CandidateReport)
    return content


@pytest.mark.parametrize("name", CANDIDATE_FILES)
def test_every_exams_summary_line_carries_its_decision_label(name, pipeline, tmp_path):
    """The opening lines: each exam's decision label, whether its headline came from a plugin rule without
    it (IELTS: 'Your IELTS Academic pass ... no longer counts') or with it ('A retake is not allowed: ...')."""
    from core.candidate_verdict import evaluate_candidate
    from core.verdict import DECISION_TEXT

    data = yaml.safe_load((CANDIDATES / name).read_text())
    result = evaluate_candidate(data, AS_OF, pipeline)
    content = _candidate(name, pipeline)
    registry = pipeline.registry
    expected = [(registry.exams[e].name, DECISION_TEXT[result.verdicts[e].decision] if e in result.verdicts
                 else "Still to sit") for e in data["exams"]]
    assert [(line.exam, line.label) for line in content.summary] == expected
    first_page = _squash(_pdf_text(report.render_pdf(content), tmp_path).split("page 1/")[0])
    html = report.render_html(content)
    for line in content.summary:
        assert _squash(report.pdf.latin1(f"{line.exam}: {line.label}")) in first_page, line
        assert line.detail and not line.detail.startswith(line.label), line
        assert f'<strong>{line.exam}: <span class="decision-{line.decision}">{line.label}</span></strong>' in html


@pytest.mark.parametrize("name", CANDIDATE_FILES)
def test_a_candidate_report_gives_the_glossary_once_at_its_end(name, pipeline, tmp_path):
    content = _candidate(name, pipeline)
    wanted = {term for section in content.sections for term, _ in section.glossary}
    assert wanted <= {term for term, _ in content.glossary}
    html = report.render_html(content)
    assert html.count("Words used here") == 1
    assert html.index("Words used here") > html.rindex('<section class="exam">')
    pages = [page.extract_text() or "" for page in PdfReader(_write(tmp_path, report.render_pdf(content))).pages]
    where = [n for n, text in enumerate(pages) if "Words used here" in text]
    assert len(where) == 1 and "".join(pages).count("Words used here") == 1
    last_section = max(n for n, text in enumerate(pages) if content.sections[-1].exam in text)
    assert where[0] >= last_section


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return path


def padded(content: report.CandidateReport, lines: int) -> report.CandidateReport:
    """The same report with `lines` more opening lines: moves the timeline's heading down the first page,
    so some padding puts it near the page's foot (where a picture drawn after it would go to page 2)."""
    from dataclasses import replace

    extra = [report.content.SummaryLine(f"Exam {n}", "to_sit", "Still to sit", "Padding.") for n in range(lines)]
    return replace(content, summary=content.summary + extra)


@pytest.mark.parametrize("name", ["uk-plab.yaml", "us-usmle.yaml"])
def test_the_timeline_heading_and_its_picture_share_a_page_in_the_pdf(name, pipeline, tmp_path):
    content = _candidate(name, pipeline, with_pictures=True)
    assert content.timeline_picture is not None
    for lines in range(0, 40):
        reader = PdfReader(_write(tmp_path, report.render_pdf(padded(content, lines))))
        page = next(p for p in reader.pages if "Timeline across your exams" in (p.extract_text() or ""))
        # The sections start on pages of their own: the only picture this page can hold is the timeline's.
        assert len(page.images) == 1, f"{lines} lines of padding: the heading's page holds {len(page.images)} pictures"
        # Every row of the timeline, with its source, whole on one page (a row's second line once went to page 2).
        pages = [_squash(p.extract_text() or "") for p in reader.pages]
        for line in content.timeline:
            row = _squash(report.pdf.latin1(line.what)) + ("Source:" + _squash(line.source) if line.source else "")
            assert any(row in text for text in pages), (lines, line.what)
