"""What the browser checks of the built book share: its pages, in the order of book/_toc.yml, and how
a page is opened and waited for (tests/book/test_book_in_browser.py, tests/book/test_book_layout.py)."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urljoin

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
HTML = REPOSITORY / "book" / "_build" / "html"
CHAPTERS = sorted(
    folder.name for folder in (REPOSITORY / "chapters").glob("[0-9][0-9]_*") if (folder / f"{folder.name}.md").is_file()
)
# In the order of book/_toc.yml.
PAGES = (
    ["book/intro", "book/how_to_use", "book/setup", "book/grading"]
    + [f"chapters/{name}/{name}" for name in CHAPTERS]
    + ["book/references"]
)
FINAL_CHAPTER = "12_breakout_run"


def wait_for(browser, script: str, what: str, timeout: float = 60.0):
    """Poll a JavaScript expression until it is truthy; fail with `what` otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        value = browser.execute_script(f"return ({script});")
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}", pytrace=False)
        time.sleep(0.2)


def open_page(browser, site: str, page: str) -> list[str]:
    """Load a page, wait until it and MathJax are done; return the console errors logged meanwhile."""
    if not (HTML / f"{page}.html").is_file():
        pytest.fail(f"{page}.html is not in the built book: run `make book`", pytrace=False)
    browser.get_log("browser")  # drop what earlier pages logged
    browser.get(urljoin(site, f"{page}.html"))
    wait_for(browser, "document.readyState === 'complete'", f"{page} to load")
    # (a script that returns a Promise is awaited by WebDriver: test for it, do not return it)
    wait_for(browser, "!window.MathJax || !!(MathJax.startup && MathJax.startup.promise)", "MathJax to start")
    browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "if (window.MathJax && MathJax.startup) { MathJax.startup.promise.then(() => done(true), () => done(false)); }"
        "else { done(true); }"
    )
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
