"""The built book, checked in a real browser (headless Chromium): `make book-check`.

Every chapter folder with its notebook (chapters/NN_name/NN_name.md) must be a page of the book,
reachable from the navigation; every page loads without console errors, typesets its math, loads
every image; the exercise boxes are visible and their solutions open on a click; each chapter offers
its notebook as an .ipynb; the search finds "replay memory". A screenshot of every chapter page is
saved in book/_build/screenshots/.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
from urllib.parse import urljoin, urlparse

import pytest
from book_site import CHAPTERS, FINAL_CHAPTER, PAGES, REPOSITORY, open_page, wait_for
from selenium.webdriver.common.by import By


def test_every_chapter_is_a_page_of_the_book(html_root):
    assert CHAPTERS, "no chapter found in chapters/NN_name/NN_name.md"
    missing = [name for name in CHAPTERS if not (html_root / "chapters" / name / f"{name}.html").is_file()]
    assert not missing, f"chapters not in the built book (is book/_toc.yml's glob intact?): {missing}"


def test_navigation_reaches_every_chapter(browser, site):
    """The sidebar links every page, and the 'next' buttons walk through all of them in order."""
    open_page(browser, site, "index")  # the redirect to the first page
    wait_for(browser, "location.pathname.endsWith('/book/intro.html')", "index.html to redirect to book/intro.html")
    linked = {
        urlparse(a.get_attribute("href")).path.lstrip("/").removesuffix(".html")
        for a in browser.find_elements(By.CSS_SELECTOR, "nav.bd-docs-nav a.reference")
    }
    assert not set(PAGES) - linked, f"pages missing from the sidebar: {sorted(set(PAGES) - linked)}"

    visited = []
    while True:
        visited.append(urlparse(browser.current_url).path.lstrip("/").removesuffix(".html"))
        following = browser.find_elements(By.CSS_SELECTOR, "a.right-next")
        if not following or len(visited) > len(PAGES) + 5:
            break
        following[0].click()
        wait_for(browser, "document.readyState === 'complete'", "the next page to load")
    assert visited == PAGES, f"the 'next' buttons visit {visited}, expected {PAGES}"


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_cleanly(browser, site, page, html_root, screenshots):
    errors = open_page(browser, site, page)
    assert not errors, f"console errors on {page}:\n  " + "\n  ".join(errors)

    # Math: every math node of the page became a MathJax element, and none holds a TeX error.
    math_nodes = len(browser.find_elements(By.CSS_SELECTOR, ".math"))
    typeset = len(browser.find_elements(By.CSS_SELECTOR, "mjx-container"))
    assert typeset >= math_nodes, f"{page}: {math_nodes} math elements but only {typeset} typeset by MathJax"
    tex_errors = [e.get_attribute("textContent") for e in browser.find_elements(By.CSS_SELECTOR, "mjx-merror")]
    assert not tex_errors, f"{page}: MathJax could not typeset: {tex_errors}"

    # Images: scroll each into view (lazy loading), then it must have loaded with a real size.
    broken = []
    for image in browser.find_elements(By.CSS_SELECTOR, "article img"):
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", image)
        deadline = time.monotonic() + 30
        while not browser.execute_script("return arguments[0].complete;", image) and time.monotonic() < deadline:
            time.sleep(0.2)
        if not browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0;", image):
            broken.append(image.get_attribute("src"))
    assert not broken, f"{page}: images that did not load: {broken}"

    if page.startswith("chapters/"):
        browser.execute_script("window.scrollTo(0, 0);")
        browser.save_screenshot(str(screenshots / f"{page.split('/')[-1]}.png"))


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_has_math_and_figures_where_its_source_does(browser, site, chapter, screenshots):
    source = (REPOSITORY / "chapters" / chapter / f"{chapter}.md").read_text()
    open_page(browser, site, f"chapters/{chapter}/{chapter}")
    if "$" in source:
        assert browser.find_elements(By.CSS_SELECTOR, "mjx-container"), f"{chapter}: no math typeset"
    if re.search(r"plt\.show\(\)|\.savefig\(|\{figure\}|\{image\}|!\[", source):
        assert browser.find_elements(By.CSS_SELECTOR, "article img"), (
            f"{chapter}: the source draws figures, the page has none"
        )
    if chapter == FINAL_CHAPTER:
        gifs = [
            img
            for img in browser.find_elements(By.CSS_SELECTOR, "article img")
            if urlparse(img.get_attribute("src")).path.lower().endswith(".gif")
        ]
        assert gifs, f"{chapter}: the agent's video (a GIF) is not on the page"
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", gifs[0])
        time.sleep(0.5)
        browser.save_screenshot(str(screenshots / f"{chapter}-video.png"))


@pytest.mark.parametrize(
    "chapter",
    [name for name in CHAPTERS if "display(Markdown(" in (REPOSITORY / "chapters" / name / f"{name}.md").read_text()],
)
def test_tables_that_cells_display_are_tables(browser, site, chapter):
    """A Markdown table a cell displays (Chapter 12's preset tables) must render as a table, not as a
    paragraph of raw pipes (myst-nb's default CommonMark output has no tables)."""
    open_page(browser, site, f"chapters/{chapter}/{chapter}")
    outputs = browser.execute_script(
        "return Array.from(document.querySelectorAll('.cell_output')).map(o => o.innerText);"
    )
    raw = [text for text in outputs if re.search(r"\|\s*(---|—)\s*\|", text)]
    assert not raw, f"{chapter}: a displayed table shows as raw text: {raw[0][:200]!r}"
    assert browser.find_elements(By.CSS_SELECTOR, ".cell_output table"), f"{chapter}: no table in the cell outputs"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_exercises_show_and_solutions_open(browser, site, chapter, screenshots):
    source = (REPOSITORY / "chapters" / chapter / f"{chapter}.md").read_text()
    expected = len(re.findall(r"^```\{exercise\}", source, flags=re.M))
    open_page(browser, site, f"chapters/{chapter}/{chapter}")
    exercises = browser.find_elements(By.CSS_SELECTOR, "div.exercise")
    assert len(exercises) == expected, f"{chapter}: {expected} exercises in the source, {len(exercises)} on the page"
    for box in exercises:
        assert box.is_displayed() and len(box.text) > 50, (
            f"{chapter}: exercise {box.get_attribute('id')} is not visible"
        )
        assert re.match(r"Exercise \d+\.\d+ ", box.text), f"{chapter}: exercise box titled {box.text[:40]!r}"

    solutions = browser.find_elements(By.CSS_SELECTOR, "div.solution.dropdown")
    assert len(solutions) == expected, f"{chapter}: {expected} exercises but {len(solutions)} solution dropdowns"
    for solution in solutions:
        code = solution.find_elements(By.CSS_SELECTOR, "div.highlight")
        assert code, f"{chapter}: a solution dropdown holds no code (literalinclude of solutions/)"
        assert not code[0].is_displayed(), f"{chapter}: a solution is visible before it is opened"
        title = solution.find_element(By.CSS_SELECTOR, ".admonition-title")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", title)
        title.click()
        deadline = time.monotonic() + 10
        while not code[0].is_displayed() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert code[0].is_displayed(), f"{chapter}: clicking '{title.text}' did not open the solution"
        assert "def " in code[0].text or "class " in code[0].text, f"{chapter}: the opened solution shows no code"
        assert "### BEGIN SOLUTION" not in code[0].text, f"{chapter}: the solution shows its region markers"
    if solutions:
        browser.execute_script("arguments[0].scrollIntoView({block: 'start'});", solutions[0])
        time.sleep(0.5)
        browser.save_screenshot(str(screenshots / f"{chapter}-solution-open.png"))


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_offers_its_notebook(browser, site, chapter):
    open_page(browser, site, f"chapters/{chapter}/{chapter}")
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "a.btn-download-notebook-button")]
    assert links, f"{chapter}: no .ipynb entry in the download menu"
    assert urlparse(links[0]).path.endswith(f"/{chapter}.ipynb"), links[0]
    with urllib.request.urlopen(links[0], timeout=30) as response:
        notebook = json.loads(response.read())
    assert notebook["nbformat"] == 4
    code_cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert code_cells, f"{chapter}: the downloaded notebook has no code cell"
    assert any("load_exercises" in "".join(cell["source"]) for cell in code_cells), (
        f"{chapter}: the downloaded notebook does not load the exercises"
    )


def test_search_finds_replay_memory(browser, site):
    open_page(browser, site, "search")
    browser.get(urljoin(site, "search.html?q=replay+memory"))
    wait_for(
        browser,
        "document.querySelectorAll('#search-results ul.search li').length > 0"
        " || (document.querySelector('#search-results p') || {}).textContent",
        "search results for 'replay memory'",
        timeout=90,
    )
    results = [
        a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#search-results ul.search li a")
    ]
    assert results, "the search for 'replay memory' found nothing"
    if "05_replay_memory" in CHAPTERS:
        assert any("05_replay_memory" in href for href in results), f"chapter 5 not among the results: {results}"


def test_the_root_page_has_a_title(html_root):
    """The site's root index.html (a redirect to the landing page) names the book in the browser's tab."""
    text = (html_root / "index.html").read_text()
    assert "<title>DQN, piece by piece</title>" in text and "url=book/intro.html" in text, text[:300]
