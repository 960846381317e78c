"""The book's diagrams (book/figures/*.svg) are what book/figures/make_figures.py draws from the code today.

The script takes its numbers from the package (layer sizes, parameter counts, the replay memory's valid
slots, the update and sync schedules), so a change there that changes a figure must come with the
redrawn SVG: `python book/figures/make_figures.py`. The comparison is on the texts of each SVG, in order
(every label and number), not on its bytes, which differ from one matplotlib version to the next.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from html import unescape
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
FIGURES = REPOSITORY / "book" / "figures"
TEXT = re.compile(r"<text\b[^>]*>(.*?)</text>", re.S)


def texts(path: Path) -> list[str]:
    return [unescape(re.sub(r"<[^>]+>", "", match)).strip() for match in TEXT.findall(path.read_text(encoding="utf-8"))]


def load_script():
    spec = importlib.util.spec_from_file_location("make_figures", FIGURES / "make_figures.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


def test_committed_figures_are_what_the_script_draws(tmp_path):
    script = load_script()
    drawn = script.draw_all(script.Output(folder=tmp_path))  # also runs each figure's layout checks
    committed = sorted(FIGURES.glob("*.svg"))
    assert [p.name for p in committed] == sorted(p.name for p in drawn), "a figure is missing or not drawn"
    for fresh in drawn:
        old = FIGURES / fresh.name
        assert texts(old), f"{fresh.name} holds no <text>: svg.fonttype must stay 'none'"
        assert texts(old) == texts(fresh), (
            f"book/figures/{fresh.name} is out of date: run python book/figures/make_figures.py"
        )


def test_chapters_show_the_figures():
    """Each figure is in the chapter that explains it, with alt text."""
    expected = {
        "network_2013.svg": ["04_network_2013"],
        "replay_ring.svg": ["05_replay_memory"],
        "training_loop.svg": ["07_dqn_2013", "12_breakout_run"],
        "target_schedule.svg": ["08_target_network"],
        "network_nature.svg": ["09_nature_network"],
    }
    for figure, chapters in expected.items():
        for chapter in chapters:
            source = (REPOSITORY / "chapters" / chapter / f"{chapter}.md").read_text(encoding="utf-8")
            directive = re.search(
                r"```\{figure\} \.\./\.\./book/figures/" + re.escape(figure) + r"\n(:[^\n]*\n)+", source
            )
            assert directive, f"chapters/{chapter}: no figure directive for book/figures/{figure}"
            assert re.search(r"^:alt: \S.{40,}$", directive.group(0), re.M), (
                f"chapters/{chapter}: {figure} has no alt text"
            )
