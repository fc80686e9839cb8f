"""Real-browser tests: `retake dashboard` on localhost, Debian's chromium driven by Playwright.

At 1400x900 and 390x844, for every built-in example and every page: no exception, the headline visible
without scrolling on the phone, no clipped headline, date or page-name text, no table hiding columns
behind a sideways scroll; the exam-switch sequence of issue 13 gives no error; a user walking the
flowchart sees the verdict change. And `retake dashboard` stops its Streamlit child on SIGTERM, and a
busy port is a usage error.

Skips only where no chromium exists (`apt-get install chromium`; CI installs it). Never downloads a browser.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core import examples
from frontends.devserver import (
    DESKTOP, PHONE, choose, chromium_path, clipped_text, exceptions, free_port, headline_in_first_screen,
    hidden_table_columns, launch_chromium, running_dashboard, show_tab, wait_for_verdict, wait_idle,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HEADLINE = ".st-key-headline"
PAGES = ["Verdict", "Pictures", "What if", "Compare routes", "Batch", "Plugins", "Cases"]
NO_CHROMIUM = "no chromium on this machine: install Debian's (apt-get install chromium); the browser tests need it"


def _sync_api():
    if chromium_path() is None:
        if os.environ.get("RETAKE_REQUIRE_TOOLS") == "1":
            pytest.fail(NO_CHROMIUM + "; RETAKE_REQUIRE_TOOLS=1 says it must be here")
        pytest.skip(NO_CHROMIUM)
    return pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install -e '.[dev]'")


def _headline_says(page, text: str, timeout: float = 30_000) -> None:
    page.wait_for_function(
        "([selector, text]) => (document.querySelector(selector)?.innerText || '').includes(text)",
        arg=[HEADLINE, text], timeout=timeout)


def _alerts(page) -> list[str]:
    return page.locator('[data-testid="stAlert"]').all_inner_texts()


def _red_errors(page) -> list[str]:
    # st.error boxes: the alert's inner container carries the kind in its test id.
    return page.locator('[data-testid="stAlertContentError"]').all_inner_texts()


@pytest.mark.parametrize("example", examples.names())
def test_every_example_and_page_at_both_sizes(example):
    sync_api = _sync_api()
    problems: list[str] = []
    with running_dashboard(env={"RETAKE_EXAMPLE": example}) as url, sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for size, viewport in (("1400x900", DESKTOP), ("390x844", PHONE)):
                page = browser.new_page(viewport=viewport)
                page.goto(url)
                wait_for_verdict(page)
                if size == "390x844" and not headline_in_first_screen(page):
                    problems.append(f"{size}: the headline is not in the first screen")
                for name in PAGES:
                    show_tab(page, name)
                    where = f"{example} {size} {name}"
                    problems += [f"{where}: exception {e[:200]}" for e in exceptions(page)]
                    problems += [f"{where}: error {e[:200]}" for e in _red_errors(page)]
                    problems += [f"{where}: clipped {c}" for c in clipped_text(page)]
                    if size == "1400x900":
                        problems += [f"{where}: {h}" for h in hidden_table_columns(page)]
                page.close()
        finally:
            browser.close()
    assert not problems, "\n".join(problems)


def test_switching_to_mccqe_and_nac_then_every_page_gives_no_error():
    """Issue 13's sequence: the US example, then MCCQE Part I or NAC, then any page: no stale specialty."""
    sync_api = _sync_api()
    with running_dashboard() as url, sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport=DESKTOP)
            page.goto(url)
            wait_for_verdict(page)
            for exam in ("MCCQE Part I · CA", "NAC examination · CA", "USMLE Step 2 CK · US", "IELTS Academic · GB"):
                choose(page, "Exam", exam)
                for name in PAGES[:3]:
                    show_tab(page, name)
                    assert not exceptions(page), (exam, name)
                    assert not _red_errors(page), (exam, name, _red_errors(page))
                    assert not any("target.specialty" in a for a in _alerts(page)), (exam, name, _alerts(page))
            # The last switch (to IELTS) asks for the sittings' results, calmly: a next step, not an error.
            assert page.locator(".st-key-next_steps").count() == 1
        finally:
            browser.close()


CANDIDATE = Path(__file__).resolve().parents[2] / "examples" / "candidates" / "uk-plab.yaml"


def test_a_candidate_file_at_both_sizes_gives_a_card_per_exam_and_a_whole_timeline():
    """Issue 11 item 4: the UK candidate (IELTS, PLAB 1, PLAB 2 to sit) opened from a file, at 1400 and 390 px:
    three cards, the timeline picture on Pictures, no exception, no red error, no clipped text (Verdict, Pictures,
    Routes), and the report button gives the candidate report."""
    sync_api = _sync_api()
    problems: list[str] = []
    with running_dashboard() as url, sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for size, viewport in (("1400x900", DESKTOP), ("390x844", PHONE)):
                page = browser.new_page(viewport=viewport)
                page.goto(url)
                wait_for_verdict(page)
                if viewport is PHONE:
                    page.locator('[data-testid="stExpandSidebarButton"]').first.click()
                    page.wait_for_timeout(700)
                page.locator('[data-testid="stSidebar"] input[type="file"]').set_input_files(str(CANDIDATE))
                _headline_says(page, "IELTS")
                if viewport is PHONE:
                    page.locator('[data-testid="stSidebarCollapseButton"] button').first.click(force=True)
                    page.wait_for_timeout(700)
                cards = page.locator('[class*="st-key-exam_card_"]').count()
                if cards != 3:
                    problems.append(f"{size}: {cards} exam cards, not 3")
                for name in ("Verdict", "Pictures", "Compare routes"):
                    show_tab(page, name)
                    problems += [f"{size} {name}: exception {e[:200]}" for e in exceptions(page)]
                    problems += [f"{size} {name}: error {e[:200]}" for e in _red_errors(page)]
                    problems += [f"{size} {name}: clipped {c}" for c in clipped_text(page)]
                    if viewport is DESKTOP:  # the still-to-sit exam's table too (PLAB 2, no rows)
                        problems += [f"{size} {name}: {h}" for h in hidden_table_columns(page)]
                    if name == "Pictures" and page.get_by_text("When does each exam's window open and close?").count() != 1:
                        problems.append(f"{size}: no timeline picture")
                if viewport is DESKTOP:
                    problems += _candidate_report_problems(page)
                page.close()
        finally:
            browser.close()
    assert not problems, "\n".join(problems)


def _candidate_report_problems(page) -> list[str]:
    """The sidebar's "Download report (PDF)" with the candidate open: a PDF naming every exam and the
    timeline across them (it was the form's exam alone)."""
    from pypdf import PdfReader

    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    wait_idle(page)  # a click during a rerun would ask for the previous run's (revoked) file
    try:
        # Streamlit itself gives a deferred download 180 s before it says it failed.
        with page.expect_download(timeout=180_000) as info:
            page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Download report (PDF)").click()
    except PlaywrightTimeout:
        shown = page.locator('[data-testid="stDownloadButtonError"]').all_inner_texts()
        return [f"report: no download in 180 s; the button says {shown or 'nothing'}"]
    download = info.value
    name = download.suggested_filename
    text = " ".join(p.extract_text() or "" for p in PdfReader(download.path()).pages)
    text = " ".join(text.split())
    problems = [] if name.startswith("retake-report-candidate-") else [f"report file name {name}"]
    problems += [f"report: no {want!r}" for want in
                 ("Timeline across your exams", "IELTS Academic", "PLAB 1", "PLAB 2: Still to sit") if want not in text]
    return problems


def test_fill_in_a_profile_and_see_the_verdict_change():
    sync_api = _sync_api()
    with running_dashboard() as url, sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport=DESKTOP)
            page.goto(url)
            wait_for_verdict(page)
            headline = page.locator(HEADLINE)
            assert "A retake is not allowed" in headline.inner_text()
            assert "Flowchart end C" in headline.inner_text()
            # The retake plan is greyed: a passed Step cannot be retaken.
            assert page.get_by_role("spinbutton", name="Predicted retake score").is_disabled()

            # Target: pediatrics at university programs, which a 221 does not reach.
            choose(page, "Specialty", "Pediatrics")
            started = time.monotonic()
            page.get_by_text("University / academic", exact=True).click()
            _headline_says(page, "Flowchart end E")
            rerun = time.monotonic() - started
            assert page.locator('[data-testid="stException"]').count() == 0
            print(f"rerun after a widget change, click to new headline: {rerun * 1000:.0f} ms")
            assert rerun < 10
        finally:
            browser.close()


# --- `retake dashboard` as a process ---------------------------------------------------------------


def _retake() -> str:
    path = Path(sys.executable).with_name("retake")
    if not path.exists():
        pytest.skip("the retake command is not installed next to this Python (make install)")
    return str(path)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_retake_dashboard_stops_streamlit_on_a_signal(signum):
    port = free_port()
    process = subprocess.Popen([_retake(), "dashboard", "--port", str(port), "--headless"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not _children(process.pid):
            assert process.poll() is None and time.monotonic() < deadline, "the dashboard did not start"
            time.sleep(0.2)
        child = _children(process.pid)[0]
        while time.monotonic() < deadline:  # wait until Streamlit listens, so it has handlers installed
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.3)
        process.send_signal(signum)
        assert process.wait(timeout=30) == 0
        assert not _alive(child), "Streamlit kept running after retake dashboard stopped"
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("127.0.0.1", port))  # the port is free again
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_busy_port_is_a_usage_error_naming_the_port():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = subprocess.run([_retake(), "dashboard", "--port", str(port), "--headless"], capture_output=True,
                                text=True, timeout=60, env={**os.environ, "RETAKE_DEBUG": ""})
    assert result.returncode == 2, result.stderr
    assert f"port {port}" in result.stderr and "--port" in result.stderr


# --- the HTML report, printed by the browser ---------------------------------------------------------


def test_the_candidate_html_report_prints_its_timeline_heading_with_the_picture(tmp_path):
    """Chromium's print of the candidate's HTML report (what a person gets from 'Print' on the downloaded
    file): the timeline's heading and its picture on one page, wherever the opening lines end."""
    sync_api = _sync_api()
    import yaml
    from pypdf import PdfReader

    from core import default_pipeline
    from frontends import report
    from dataclasses import replace

    from days import AS_OF

    def padded(lines: int) -> report.CandidateReport:  # as test_report.padded: moves the heading down page 1
        extra = [report.content.SummaryLine(f"Exam {n}", "to_sit", "Still to sit", "Padding.") for n in range(lines)]
        return replace(content, summary=content.summary + extra)

    data = yaml.safe_load((Path(__file__).resolve().parents[2] / "examples/candidates/us-usmle.yaml").read_text())
    content = report.any_report_for(data, AS_OF, default_pipeline())
    for section in content.sections:  # only the timeline's picture, so an image on the page can only be it
        section.pictures = []
    problems = []
    with sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()
            for lines in range(0, 40, 3):
                page.set_content(report.render_html(padded(lines)))
                path = tmp_path / "printed.pdf"
                path.write_bytes(page.pdf(format="A4"))
                pages = PdfReader(path).pages
                where = next(p for p in pages if "Timeline across your exams" in (p.extract_text() or ""))
                if len(where.images) != 1:
                    problems.append(f"{lines} lines of padding: the heading's page holds {len(where.images)} pictures")
        finally:
            browser.close()
    assert not problems, "\n".join(problems)
