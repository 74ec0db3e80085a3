"""Debian's Chromium driven by Playwright, for the console's browser test and benchmark.

Uses the system browser (``/usr/bin/chromium``, ``apt-get install chromium``) rather than a
browser build downloaded by ``playwright install``: the machines reach package registries only.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


def chromium_path() -> str | None:
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright; .ci/run does)"
    if chromium_path() is None:
        return "Chromium is not installed (apt-get install chromium; .ci/run does)"
    return None


@contextmanager
def browser_page(viewport: tuple[int, int] = (1360, 860)) -> Iterator[Any]:
    """A fresh page in headless Chromium; closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True,
                                     args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": viewport[0],
                                                    "height": viewport[1]})
            page = context.new_page()
            yield page
        finally:
            browser.close()


def wait_js(page: Any, expression: str, timeout_s: float = 30.0) -> Any:
    """Poll ``expression`` until truthy. (Playwright's wait_for_function evaluates strings in
    the page, which the console's CSP rightly forbids; ``evaluate`` goes through DevTools.)"""
    deadline = time.monotonic() + timeout_s
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {expression}")
        time.sleep(0.02)


# Records, in the page, when a row with a given text first appears in the alerts table
# (epoch milliseconds), so the delay is measured where the operator sees it.
WATCH_ROWS_JS = """
(text) => new Promise((resolve) => {
  const seen = () => [...document.querySelectorAll('#alerts tbody tr')]
      .some((tr) => tr.textContent.includes(text));
  if (seen()) { resolve(Date.now()); return; }
  const observer = new MutationObserver(() => {
    if (seen()) { observer.disconnect(); resolve(Date.now()); }
  });
  observer.observe(document.querySelector('#alerts tbody'), {childList: true, subtree: true});
})
"""
