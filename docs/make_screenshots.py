"""Regenerate the screenshots in docs/screenshots/ (`make screenshots`).

Starts `retake dashboard` on a free localhost port, drives Debian's chromium (never a downloaded
browser) through Playwright, and writes, at 1400x900 ("desktop") and 390x844 ("phone"):

- first-load.png / phone-first-load.png: a first visit (the built-in US example and its verdict);
- pictures-<example>.png / phone-pictures-<example>.png: the Pictures page of each built-in example;
- what-if.png: a profile opened from a file, the What if page with a choice moved;
- exam-switch.png: the US example switched to MCCQE Part I (issue 13's sequence), no error;
- candidate.png / phone-candidate.png: the UK candidate file (examples/candidates/uk-plab.yaml: IELTS,
  PLAB 1, PLAB 2 still to sit): one verdict card per exam and the other exams in the form;
- timeline.png / phone-timeline.png: the same candidate's timeline picture (Pictures page);
- routes-candidate.png / phone-routes-candidate.png: the US candidate (examples/candidates/us-usmle.yaml) on the
  Routes page: a column per exam, judged together as on the cards (Step 3 closed by the Step 1 limit);
- report-page-1.png: the first page of the PDF report (`retake report`), rendered by pdftoppm;
- candidate-report-page-1/2.png: the first pages of the UK candidate's PDF report (a section per exam, the timeline).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import yaml
from playwright.sync_api import sync_playwright

from frontends.devserver import (
    DESKTOP, PHONE, choose, chromium_path, launch_chromium, running_dashboard, show_tab, wait_for_verdict, wait_idle,
)

OUT = Path(__file__).resolve().parent / "screenshots"
CANDIDATE = Path(__file__).resolve().parents[1] / "examples" / "candidates" / "uk-plab.yaml"
US_CANDIDATE = CANDIDATE.with_name("us-usmle.yaml")
REPORT_AS_OF = date(2026, 11, 25)
# A first-attempt 221 aiming at university pediatrics, with practice exams pointing to 241.
WHAT_IF_PROFILE = {
    "exam": "usmle-step2ck",
    "attempts": [{"date": "2025-09-14", "score": 221}],
    "target": {"country": "US", "specialty": "pediatrics", "setting": "university"},
    "plan": {"predicted_score": 241, "evidence": "practice-exams", "months_to_application": 9, "prep_months": 4},
    "programs_accept_retakes": "unknown",
    "application": {"clinical_experience_months": 3, "letters": "strong"},
}


# Every chart on the page has drawn (a Vega canvas or SVG with a height): under load 400 ms was not enough and
# phone-pictures-mccqe1-new-scale.png showed the score chart's heading straight over its caption.
_CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].every(chart => {
    const drawn = chart.querySelector('canvas, svg');
    return drawn && drawn.getBoundingClientRect().height > 0; })"""


def _shot(page, name: str, written: list[Path], full: bool = False) -> None:
    path = OUT / name
    page.mouse.move(1, 1)  # no hover toolbar over a chart's corner
    page.wait_for_function(_CHARTS_DRAWN, timeout=60_000)
    page.wait_for_timeout(400)
    page.screenshot(path=str(path), full_page=full)
    written.append(path)


def _to_top(page, selector: str) -> None:
    page.locator(selector).first.evaluate("el => el.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(500)


def _pdf_pages(pdf: Path, stem: str) -> None:
    """Pages 1 and 2 as STEM-1.png and STEM-2.png (pdftoppm alone pads the number for a PDF of 10 or more
    pages: the 10-page candidate report came out as -01 and -02)."""
    for number in (1, 2):
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(number), "-l", str(number), "-singlefile",
                        str(pdf), str(OUT / f"{stem}-{number}")], check=True)


def _report_page(written: list[Path]) -> None:
    from core import default_pipeline, examples
    from frontends import report

    if shutil.which("pdftoppm") is None:
        print("no pdftoppm: apt-get install poppler-utils (the report page is skipped)", file=sys.stderr)
        return
    content = report.report_for_profile(examples.load("plab1-borderline"), REPORT_AS_OF, default_pipeline())
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "report.pdf"
        pdf.write_bytes(report.render_pdf(content))
        _pdf_pages(pdf, "report-page")
        # The UK candidate's report (issue 11): every exam's headline and the timeline on its first pages.
        import yaml

        candidate = report.any_report_for(yaml.safe_load(CANDIDATE.read_text()), REPORT_AS_OF, default_pipeline())
        pdf.write_bytes(report.render_pdf(candidate))
        _pdf_pages(pdf, "candidate-report-page")
    written += sorted(OUT.glob("report-page-*.png")) + sorted(OUT.glob("candidate-report-page-*.png"))


def _open_file(page, path: Path, phone: bool, headline_says: str) -> None:
    """Open a profile file from the sidebar, as a person would (on the phone the sidebar is opened and closed)."""
    if phone:
        page.locator('[data-testid="stExpandSidebarButton"]').first.click()
        page.wait_for_timeout(700)
    page.locator('[data-testid="stSidebar"] input[type="file"]').set_input_files(str(path))
    page.wait_for_function(
        "(text) => (document.querySelector('.st-key-headline')?.innerText || '').includes(text)", arg=headline_says)
    wait_idle(page)
    if phone:
        page.locator('[data-testid="stSidebarCollapseButton"] button').first.click(force=True)
        page.wait_for_timeout(700)


def _candidate(page, prefix: str, written: list[Path]) -> None:
    """The UK candidate opened from a file: its cards, then its timeline."""
    phone = bool(prefix)
    _open_file(page, CANDIDATE, phone, "IELTS")
    _to_top(page, ".st-key-exam_card_ielts-academic" if not phone else ".st-key-exam_card_plab1")
    _shot(page, f"{prefix}candidate.png", written)
    show_tab(page, "Pictures")
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
    _to_top(page, ".st-key-tab_person")
    _shot(page, f"{prefix}timeline.png", written)


def _routes(page, prefix: str, written: list[Path]) -> None:
    """The US candidate on the Routes page: a column per exam, as its cards say."""
    _open_file(page, US_CANDIDATE, bool(prefix), "Step 1")
    show_tab(page, "Compare routes")
    _to_top(page, '[data-testid="stTable"]')
    _shot(page, f"{prefix}routes-candidate.png", written)


def main() -> int:
    from core.plugin_examples import DEFAULT, all_examples

    if chromium_path() is None:
        print("no chromium on this machine: apt-get install chromium", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    written: list[Path] = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for example in [e.name for e in all_examples() if len(e.exams) == 1]:
                with running_dashboard(env={"RETAKE_EXAMPLE": example}) as url:
                    for prefix, viewport in (("", DESKTOP), ("phone-", PHONE)):
                        page = browser.new_page(viewport=viewport, device_scale_factor=1)
                        page.goto(url)
                        wait_for_verdict(page)
                        if example == DEFAULT:
                            _shot(page, f"{prefix}first-load.png", written)
                        show_tab(page, "Pictures")
                        _to_top(page, ".st-key-tab_person")
                        _shot(page, f"{prefix}pictures-{example}.png", written)
                        page.close()

            with running_dashboard() as url:
                page = browser.new_page(viewport=DESKTOP, device_scale_factor=1)
                page.goto(url)
                wait_for_verdict(page)
                choose(page, "Exam", "MCCQE Part I · CA")
                show_tab(page, "Pictures")
                _shot(page, "exam-switch.png", written)

                page.locator('[data-testid="stSidebar"] input[type="file"]').set_input_files(files=[{
                    "name": "pediatrics-university.yaml", "mimeType": "application/x-yaml",
                    "buffer": yaml.safe_dump(WHAT_IF_PROFILE, sort_keys=False).encode(),
                }])
                page.wait_for_function(
                    "() => (document.querySelector('.st-key-headline')?.innerText || '').includes('pediatrics')"
                    " || (document.querySelector('.st-key-headline')?.innerText || '').includes('end E')")
                wait_idle(page)
                show_tab(page, "What if")
                page.get_by_text("The smallest changes that flip your answer").wait_for()
                wait_idle(page)
                _to_top(page, ".st-key-tab_person")
                _shot(page, "what-if.png", written)
                page.close()

            with running_dashboard() as url:
                for prefix, viewport in (("", DESKTOP), ("phone-", PHONE)):
                    page = browser.new_page(viewport=viewport, device_scale_factor=1)
                    page.goto(url)
                    wait_for_verdict(page)
                    _candidate(page, prefix, written)
                    page.close()
                    page = browser.new_page(viewport=viewport, device_scale_factor=1)
                    page.goto(url)
                    wait_for_verdict(page)
                    _routes(page, prefix, written)
                    page.close()
        finally:
            browser.close()
    _report_page(written)
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
