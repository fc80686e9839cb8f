"""Regenerate the dashboard screenshots in docs/screenshots/ (`make screenshots`).

Starts `retake dashboard` on a free localhost port, drives Debian's chromium (never a downloaded
browser) through Playwright, and writes:

- first-load.png: the dashboard as a first visit shows it (the built-in example and its verdict);
- what-if.png: a profile opened from a file, the What if tab with a slider moved and the smallest
  changes that flip the answer.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from playwright.sync_api import sync_playwright

from frontends.devserver import chromium_path, launch_chromium, running_dashboard, wait_for_verdict, wait_idle

OUT = Path(__file__).resolve().parent / "screenshots"
VIEWPORT = {"width": 1440, "height": 1000}
# A first-attempt 221 aiming at university pediatrics, with practice exams pointing to 241.
WHAT_IF_PROFILE = {
    "exam": "usmle-step2ck",
    "attempts": [{"date": "2025-09-14", "score": 221}],
    "target": {"country": "US", "specialty": "pediatrics", "setting": "university"},
    "plan": {"predicted_score": 241, "evidence": "practice-exams", "months_to_application": 9, "prep_months": 4},
    "programs_accept_retakes": "unknown",
    "application": {"clinical_experience_months": 3, "letters": "strong"},
}


def main() -> int:
    if chromium_path() is None:
        print("no chromium on this machine: apt-get install chromium", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    with running_dashboard() as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport=VIEWPORT, device_scale_factor=1)
            page.goto(url)
            wait_for_verdict(page)
            page.screenshot(path=str(OUT / "first-load.png"))

            page.locator('[data-testid="stSidebar"] input[type="file"]').set_input_files(files=[{
                "name": "pediatrics-university.yaml", "mimeType": "application/x-yaml",
                "buffer": yaml.safe_dump(WHAT_IF_PROFILE, sort_keys=False).encode(),
            }])
            page.wait_for_function(
                "() => (document.querySelector('.st-key-headline')?.innerText || '').includes('end G')")
            wait_idle(page)
            page.get_by_role("tab", name="What if").click()
            page.get_by_text("The smallest changes that flip your answer").wait_for()
            wait_idle(page)
            page.locator('[data-testid="stRadio"]').filter(has_text="Programs' stance on retakes") \
                .get_by_text("Accept retakes", exact=True).click()
            page.get_by_text("This changes the answer").wait_for()
            wait_idle(page)
            # Bring the tab bar to the top so the what-if panel fills the picture.
            page.get_by_role("tab", name="What if").evaluate("tab => tab.scrollIntoView({block: 'start'})")
            page.wait_for_timeout(500)
            page.screenshot(path=str(OUT / "what-if.png"))
        finally:
            browser.close()
    for name in ("first-load.png", "what-if.png"):
        print(OUT / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
