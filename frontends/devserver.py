"""Start the dashboard on a free localhost port and drive Debian's chromium: for the browser test and
the screenshot script (`make screenshots`). Never downloads a browser.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# Streamlit's own options for a private, quiet local server: no usage statistics, no file watcher.
STREAMLIT_OPTIONS = ["--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
                     "--server.address", "127.0.0.1", "--client.toolbarMode", "minimal"]


def chromium_path() -> str | None:
    """Debian's chromium, if this machine has it."""
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dashboard_command(port: int) -> list[str]:
    """`retake dashboard` when the CLI is installed next to this Python, else `streamlit run` on the installed file."""
    retake = Path(sys.executable).with_name("retake")
    if retake.exists():
        return [str(retake), "dashboard", "--port", str(port), "--headless", *STREAMLIT_OPTIONS]
    import importlib.util

    spec = importlib.util.find_spec("frontends.dashboard")
    assert spec is not None and spec.origin, "frontends.dashboard is not installed"
    return [sys.executable, "-m", "streamlit", "run", "--server.port", str(port), "--server.headless", "true",
            *STREAMLIT_OPTIONS, spec.origin]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310 - localhost
            return response.status == 200 and response.read().strip() == b"ok"
    except OSError:
        return False


@contextmanager
def running_dashboard(env: Mapping[str, str] | None = None, timeout: float = 90) -> Iterator[str]:
    """Run the dashboard until the block ends; yields its URL once `/_stcore/health` answers ok."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    full_env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **(env or {})}
    process = subprocess.Popen(dashboard_command(port), env=full_env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while not _healthy(url):
            if process.poll() is not None:
                output = process.stdout.read().decode(errors="replace") if process.stdout else ""
                raise RuntimeError(f"the dashboard exited with {process.returncode}:\n{output}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the dashboard did not answer {url}/_stcore/health within {timeout:g} s")
            time.sleep(0.3)
        yield url
    finally:
        # `retake dashboard` runs streamlit as a child: stop the whole session this call started.
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        if process.stdout:
            process.stdout.close()


def launch_chromium(playwright, executable: str | None = None):
    """Debian's chromium through Playwright (never a downloaded browser)."""
    return playwright.chromium.launch(executable_path=executable or chromium_path(), headless=True, args=CHROMIUM_ARGS)


def wait_for_verdict(page, timeout: float = 60_000) -> None:
    """Wait until the app has finished its run and the verdict headline is on the page."""
    page.wait_for_selector(".st-key-headline", timeout=timeout)
    wait_idle(page, timeout)


def wait_idle(page, timeout: float = 60_000) -> None:
    """Wait until the script run is over and every element has replaced its loading skeleton."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-testid=\"stSkeleton\"], .stSkeleton')", timeout=timeout)
    page.wait_for_timeout(600)


DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}

# Text that does not fit its box: an element wider than its scroll box, cut by an ellipsis, or running off
# the right edge of the window. Returns one line per offender.
_CLIPPED_JS = """
(selectors) => {
  const found = [];
  const width = document.documentElement.clientWidth;
  for (const selector of selectors) {
    for (const el of document.querySelectorAll(selector)) {
      const text = (el.innerText || '').trim();
      if (!text) continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      const style = getComputedStyle(el);
      const cut = el.scrollWidth > el.clientWidth + 1 && style.overflowX !== 'visible';
      const ellipsis = style.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1;
      if (cut || ellipsis || box.right > width + 1 || box.left < -1) {
        found.push(`${selector}: "${text.slice(0, 60)}" (box ${Math.round(box.left)}..${Math.round(box.right)}, scroll ${el.scrollWidth} > ${el.clientWidth})`);
      }
    }
  }
  return found;
}
"""
# The headline and its facts (dates among them), the deadline lines and the tab row.
TEXT_SELECTORS = [".st-key-headline h2", ".st-key-headline h3", ".st-key-headline h4", ".st-key-headline p",
                  "[class*='st-key-deadline-'] p", ".st-key-tab_person button p", ".st-key-tab_tools button p"]


def clipped_text(page, selectors: list[str] | None = None) -> list[str]:
    """Every element among `selectors` whose text is clipped, cut short or off screen."""
    return page.evaluate(_CLIPPED_JS, selectors or TEXT_SELECTORS)


def hidden_table_columns(page) -> list[str]:
    """Data grids (the attempts editor, tables) whose columns run past their box: hidden behind a scroll."""
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid="stDataFrame"] .dvn-scroller')]
        .filter(s => s.scrollWidth > s.clientWidth + 2)
        .map(s => `grid ${s.scrollWidth} px wide in a ${s.clientWidth} px box`)""")


def headline_in_first_screen(page) -> bool:
    """The verdict headline's decision line is inside the window without scrolling."""
    return page.evaluate("""() => {
        const h = document.querySelector('.st-key-headline h2');
        if (!h) return false;
        const box = h.getBoundingClientRect();
        return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0;
    }""")


def show_tab(page, name: str) -> None:
    """Open one of the dashboard's pages (the row of buttons above the verdict's details)."""
    label = {"Compare routes": "Routes"}.get(name, name)
    page.locator(".st-key-tab_person button, .st-key-tab_tools button").filter(
        has=page.get_by_text(label, exact=True)).click()
    wait_idle(page)


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the selectbox labelled exactly `label`."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has=page.get_by_text(label, exact=True))
    box.locator("input").click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def exceptions(page) -> list[str]:
    return page.locator('[data-testid="stException"]').all_inner_texts()
