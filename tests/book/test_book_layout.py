"""The book read as a reader reads it, at desktop (1400 px) and phone (390 px) widths (`make book-check`).

Nothing is cut off or scrolls sideways; every figure is numbered, captioned and described (alt text)
and sharp on a high-density screen; code that only draws is folded; no noise (nan, "uncommitted",
ALE's banner, jumping headings); every solution says why it is right; every chapter names `make lab`;
the search ranks a chapter first for its own topic and shows no raw TeX; the results are on the page.
Screenshots of both widths land in book/_build/screenshots/ (NAME-desktop.png, NAME-phone.png).
"""

from __future__ import annotations

import json
import re
import time
from urllib.parse import quote_plus, urljoin, urlparse

import pytest
from book_site import CHAPTERS, PAGES, REPOSITORY, open_page, wait_for
from selenium.webdriver.common.by import By

WIDTHS = {"desktop": 1400, "phone": 390}
# The pages whose screenshots the issue asked to be looked at, at both widths.
SCREENSHOT_PAGES = {"book/intro"} | {
    f"chapters/{name}/{name}" for name in CHAPTERS if name[:2] in {"02", "05", "07", "10", "12"}
}
# Lines of a visible code cell that only draw (matplotlib): more than this and the cell must be folded.
MAX_VISIBLE_DRAWING_LINES = 6
DRAWING_LINE = re.compile(r"^\s*(plt|ax|axes|axis|fig|figure|panel|legend)\b\s*(\[[^\]]*\])?\s*\.")


def resize(browser, width: int) -> None:
    browser.set_window_size(width, 1000)
    wait_for(browser, f"window.innerWidth === {width}", f"the window to be {width} px wide", timeout=10)


@pytest.fixture
def at_width(browser):
    """Resize the window; put it back at the desktop width afterwards for the other tests."""
    yield lambda width: resize(browser, width)
    resize(browser, WIDTHS["desktop"])


def open_fitted(browser, site, page):
    open_page(browser, site, page)
    # dqn_book.js fits the display math after MathJax; wait for it, then let layout settle
    wait_for(
        browser, "document.documentElement.dataset.mathFitted === 'true' || !window.MathJax", "math fitting", timeout=30
    )
    time.sleep(0.3)


OVERFLOW_JS = r"""
const article = document.querySelector('article');
const right = article.getBoundingClientRect().right;
const found = [];
const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
const text = e => (e.innerText || e.textContent || '').trim().slice(0, 70);
if (document.documentElement.scrollWidth > window.innerWidth + 1)
  found.push(`the page is ${document.documentElement.scrollWidth} px wide in a ${window.innerWidth} px window`);
for (const [selector, what] of [['div.cell_input pre', 'code cell'], ['div.cell_output pre', 'output'],
                                ['article div.highlight pre', 'code'],
                                ['article mjx-container[display="true"]', 'display math']]) {
  for (const e of article.querySelectorAll(selector))
    if (shown(e) && e.scrollWidth > e.clientWidth + 1)
      found.push(`${what} scrolls sideways (${e.scrollWidth} px in ${e.clientWidth}): ${text(e)}`);
}
for (const table of article.querySelectorAll('table')) {
  const box = table.parentElement.getBoundingClientRect();
  if (shown(table) && table.getBoundingClientRect().width > Math.min(box.width, article.clientWidth) + 1)
    found.push(`a table is ${Math.round(table.getBoundingClientRect().width)} px wide`
               + ` in ${Math.round(box.width)}: ${text(table)}`);
}
for (const e of article.querySelectorAll('p, li, dt, dd, td, th, img, figure, code, a, span.caption-text, .admonition'))
  if (shown(e) && !e.closest('pre, mjx-container') && e.getBoundingClientRect().right > right + 1)
    found.push(`${e.tagName.toLowerCase()} spills ${Math.round(e.getBoundingClientRect().right - right)} px`
               + ` out of the page: ${text(e)}`);
return found.slice(0, 12);
"""


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("page", PAGES)
def test_nothing_is_cut_off_or_scrolls_sideways(browser, site, page, width, at_width, screenshots):
    at_width(WIDTHS[width])
    open_fitted(browser, site, page)
    problems = browser.execute_script(OVERFLOW_JS)
    if page in SCREENSHOT_PAGES:
        browser.execute_script("window.scrollTo(0, 0);")
        browser.save_screenshot(str(screenshots / f"{page.split('/')[-1]}-{width}.png"))
    assert not problems, f"{page} at {WIDTHS[width]} px:\n  " + "\n  ".join(problems)


FIGURES_JS = r"""
return Array.from(document.querySelectorAll('article img')).map(img => {
  const figure = img.closest('figure');
  const number = figure && figure.querySelector('figcaption .caption-number');
  const caption = figure && figure.querySelector('figcaption .caption-text');
  return {src: img.getAttribute('src'), alt: img.getAttribute('alt') || '',
          number: number ? number.textContent.trim() : '', caption: caption ? caption.textContent.trim() : '',
          natural: img.naturalWidth, shown: img.getBoundingClientRect().width};
});
"""


@pytest.mark.parametrize("page", PAGES)
def test_every_figure_is_numbered_captioned_described_and_sharp(browser, site, page):
    open_fitted(browser, site, page)
    for image in browser.find_elements(By.CSS_SELECTOR, "article img"):  # lazy images load when seen
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", image)
        deadline = time.monotonic() + 20
        while not browser.execute_script("return arguments[0].complete;", image) and time.monotonic() < deadline:
            time.sleep(0.1)
    chapter = re.match(r"chapters/(\d\d)_", page)
    problems = []
    for figure in browser.execute_script(FIGURES_JS):
        name = figure["src"].rsplit("/", 1)[-1]
        stem = name.rsplit(".", 1)[0]
        if not figure["number"] or not figure["caption"]:
            problems.append(f"{name}: no numbered caption (use a figure directive or the cell's mystnb.figure)")
        elif chapter and not figure["number"].startswith(f"Figure {int(chapter.group(1))}."):
            problems.append(f"{name}: numbered {figure['number']!r}, not by its chapter")
        alt = figure["alt"].strip()
        if len(alt) < 25 or stem in alt or re.fullmatch(r"[0-9a-f]{16,}", alt) or alt.lower().startswith("_images"):
            problems.append(f"{name}: alt text {alt!r} does not describe the picture")
        # a raster figure drawn at twice the pixels it is shown at stays sharp on a high-density screen
        if name.endswith(".png") and figure["shown"] > 0 and figure["natural"] < 1.5 * figure["shown"]:
            problems.append(
                f"{name}: {figure['natural']} px shown at {figure['shown']:.0f} px: blurry on a high-density screen"
            )
    assert not problems, f"{page}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_code_that_only_draws_is_folded(browser, site, chapter):
    """A reader sees prose, figures and the code that teaches: a cell with more than a few lines of
    matplotlib is folded (tags: [hide-input]) behind a "Show code" toggle."""
    open_fitted(browser, site, f"chapters/{chapter}/{chapter}")
    sources = browser.execute_script(
        "return Array.from(document.querySelectorAll('div.cell:not(.tag_hide-input):not(.tag_remove-input)"
        " div.cell_input pre')).map(p => p.textContent);"
    )
    loud = []
    for source in sources:
        drawing = [line for line in source.splitlines() if DRAWING_LINE.match(line)]
        if len(drawing) > MAX_VISIBLE_DRAWING_LINES:
            loud.append(f"{len(drawing)} drawing lines in a visible cell starting {source.strip()[:60]!r}")
    assert not loud, f"{chapter}: fold these cells (tags: [hide-input]):\n  " + "\n  ".join(loud)


NOISE = {
    "a nan printed as a value": re.compile(r"(?<![\w'\"])(nan|NaN)(?![\w'\"(])"),
    "'uncommitted'": re.compile(r"uncommitted", re.I),
    "ALE's banner": re.compile(r"A\.L\.E: Arcade Learning Environment"),
    "a traceback": re.compile(r"Traceback \(most recent call last\)"),
    "a Python warning": re.compile(r"\b\w*Warning: "),
}


@pytest.mark.parametrize("page", PAGES)
def test_no_noise_on_the_page(browser, site, page):
    open_fitted(browser, site, page)
    # what the reader reads: the prose and the cells' outputs (code itself may say float("nan"))
    text = browser.execute_script(
        "const a = document.querySelector('article').cloneNode(true);"
        "a.querySelectorAll('div.cell_input, div.highlight, script, style, mjx-container').forEach(e => e.remove());"
        "return a.textContent;"
    )
    found = [
        f"{what}: …{text[max(0, m.start() - 60) : m.end() + 20]!r}…"
        for what, pattern in NOISE.items()
        for m in [pattern.search(text)]
        if m
    ]
    levels = browser.execute_script(
        "return Array.from(document.querySelectorAll('article h1, article h2, article h3, article h4, article h5,"
        " article h6')).filter(h => !h.closest('.admonition, .dropdown')).map(h => [+h.tagName[1],"
        " h.textContent.replace('#', '').trim()]);"
    )
    if [level for level, _ in levels].count(1) != 1:
        found.append(f"{[level for level, _ in levels].count(1)} top-level headings (h1), expected 1")
    for (before, _), (level, title) in zip(levels, levels[1:]):
        if level > before + 1:
            found.append(f"heading {title!r} jumps from level {before} to {level}")
    assert not found, f"{page}:\n  " + "\n  ".join(found)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_solutions_say_why_and_chapter_names_make_lab(browser, site, chapter):
    open_fitted(browser, site, f"chapters/{chapter}/{chapter}")
    article = browser.find_element(By.CSS_SELECTOR, "article").get_attribute("textContent")
    assert "make lab" in article, f"{chapter}: the page does not say that `make lab` opens it as a notebook"
    silent = browser.execute_script(
        "return Array.from(document.querySelectorAll('div.solution.dropdown')).filter(s => {"
        "  const code = s.querySelector('div.highlight');"
        "  const why = Array.from(s.querySelectorAll('p:not(.admonition-title)')).filter(p =>"
        "    p.textContent.trim().length >= 40 && (!code || (p.compareDocumentPosition(code) & 4)));"
        "  return why.length === 0;"
        "}).map(s => s.querySelector('.admonition-title').textContent.trim());"
    )
    assert not silent, f"{chapter}: solutions that show code with no sentence on why it is right: {silent}"


def search_results(browser, site, query):
    browser.get(urljoin(site, f"search.html?q={quote_plus(query)}"))
    wait_for(
        browser,
        "/finished|did not match/i.test((document.querySelector('#search-results p.search-summary')"
        " || document.querySelector('#search-results p') || {}).textContent || '')",
        f"the search for {query!r} to finish",
        timeout=90,
    )
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('#search-results ul.search > li')).map(li => ["
        " li.querySelector('a').getAttribute('href'), (li.querySelector('p.context') || {}).textContent || '']);"
    )


def chapter_topic(chapter: str) -> str:
    """Chapter 8's title "The target network" -> "target network"."""
    title = (REPOSITORY / "chapters" / chapter / f"{chapter}.md").read_text().split("\n# ", 1)[1].split("\n", 1)[0]
    words = title.split(":", 1)[-1].replace(",", " ").split()
    kept = [w for w in words if w.lower() not in {"the", "a", "from", "to", "and", "of", "deep", "full"}]
    return " ".join(dict.fromkeys(kept))  # "From Q-learning to deep Q-learning" -> "Q-learning"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_search_ranks_the_chapter_first_for_its_topic(browser, site, chapter):
    open_page(browser, site, "search")
    query = chapter_topic(chapter)
    results = search_results(browser, site, query)
    assert results, f"the search for {query!r} found nothing"
    first = urlparse(results[0][0]).path
    assert chapter in first, (
        f"the search for {query!r} lists {first} first, not {chapter}: {[r[0] for r in results[:5]]}"
    )
    tex = [snippet for _, snippet in results if re.search(r"\\[(\[a-zA-Z]", snippet)]
    assert not tex, f"the search for {query!r} shows raw TeX in a snippet: {tex[0][:160]!r}"


def test_no_launch_button_points_elsewhere_without_a_repository(browser, site):
    """No repository URL is configured for this build: the chapters offer their .ipynb but no launch
    button (Jupyter Book's default would open its own repository)."""
    config = (REPOSITORY / "book" / "_config.yml").read_text()
    if not re.search(r'^\s*url:\s*""', config, flags=re.M):
        pytest.skip("book/_config.yml names a repository: launch buttons are expected")
    name = CHAPTERS[0]
    open_page(browser, site, f"chapters/{name}/{name}")
    hrefs = [a.get_attribute("href") or "" for a in browser.find_elements(By.CSS_SELECTOR, "a")]
    assert not [h for h in hrefs if "executablebooks/jupyter-book" in h or "mybinder.org" in h], hrefs


def test_results_are_on_the_landing_page_and_in_the_final_chapter(browser, site):
    """The reader sees what the agent learned: the trained agent playing, and its score against random
    play and the paper, on the landing page; the learning curve and the video in Chapter 12."""
    open_fitted(browser, site, "book/intro")
    gifs = browser.execute_script(
        "return Array.from(document.querySelectorAll('article figure img')).map(i => i.getAttribute('src'))"
        ".filter(s => s.endsWith('.gif'));"
    )
    assert gifs, "the landing page shows no video (GIF) of the trained agent"
    summary = json.loads((REPOSITORY / "book" / "data" / "breakout_cpu.json").read_text())
    text = browser.find_element(By.CSS_SELECTOR, "article").text
    final = summary["final_evaluation"]["mean"]
    assert f"{final:.1f}" in text, f"the landing page does not quote the final score {final:.1f}"
    final_chapter = [name for name in CHAPTERS if name.startswith("12_")]
    if final_chapter:
        name = final_chapter[0]
        open_fitted(browser, site, f"chapters/{name}/{name}")
        captions = browser.execute_script(
            "return Array.from(document.querySelectorAll('article figure figcaption')).map(c => c.textContent);"
        )
        assert any(re.search(r"agent steps", c) and re.search(r"evaluat|score", c, re.I) for c in captions), (
            f"{name}: no captioned learning curve (score against agent steps): {captions}"
        )
