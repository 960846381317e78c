"""book/_ext/dqn_book.py without a build: launch buttons appear only with a repository URL, and the
notebook a reader launches or downloads fetches the repository when it runs outside it."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("dqn_book", REPOSITORY / "book" / "_ext" / "dqn_book.py")
dqn_book = importlib.util.module_from_spec(spec)
spec.loader.exec_module(dqn_book)

PAGE = "chapters/07_dqn_2013/07_dqn_2013"


def fake_app(tmp_path: Path, theme_options: dict) -> SimpleNamespace:
    outdir = tmp_path / "_build" / "html"
    outdir.mkdir(parents=True)
    config = SimpleNamespace(html_theme_options=theme_options)
    return SimpleNamespace(config=config, outdir=str(outdir), builder=SimpleNamespace(format="html"))


def launch_group() -> dict:
    return {"label": "launch-buttons", "buttons": [{"text": "Binder", "url": "https://mybinder.org/v2/gh/x"}]}


def test_no_repository_no_launch_buttons(tmp_path, monkeypatch):
    monkeypatch.delenv("DQN_TUTORIAL_REPOSITORY_URL", raising=False)
    app = fake_app(tmp_path, {"repository_url": "", "launch_buttons": {"binderhub_url": "https://mybinder.org"}})
    dqn_book.configure_launch_buttons(app, app.config)
    assert app.config.html_theme_options["launch_buttons"] == {}
    context = {"header_buttons": [launch_group()]}
    dqn_book.add_colab_button(app, PAGE, "page.html", context, None)
    assert [b["text"] for b in context["header_buttons"][0]["buttons"]] == ["Binder"]


def test_a_repository_url_turns_on_binder_and_colab(tmp_path, monkeypatch):
    monkeypatch.setenv("DQN_TUTORIAL_REPOSITORY_URL", "https://github.com/someone/dqn-tutorial/")
    app = fake_app(tmp_path, {"repository_url": ""})
    dqn_book.configure_launch_buttons(app, app.config)
    options = app.config.html_theme_options
    assert options["repository_url"] == "https://github.com/someone/dqn-tutorial"
    assert options["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
    assert options["launch_buttons"]["notebook_interface"] == "jupyterlab"  # opens NN_name.md via jupytext

    context = {"header_buttons": [launch_group()]}
    dqn_book.add_colab_button(app, PAGE, "page.html", context, None)
    colab = context["header_buttons"][0]["buttons"][-1]
    assert colab["text"] == "Colab"
    assert colab["url"] == (
        "https://colab.research.google.com/github/someone/dqn-tutorial/blob/gh-pages/_sources/" + PAGE + ".ipynb"
    )
    # not on the pages that are no notebook
    context = {"header_buttons": [launch_group()]}
    dqn_book.add_colab_button(app, "book/intro", "page.html", context, None)
    assert len(context["header_buttons"][0]["buttons"]) == 1


def write_executed(app, cells) -> None:
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{PAGE}.ipynb"
    executed.parent.mkdir(parents=True)
    executed.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}))


def test_offered_notebook_is_the_executed_one_without_a_repository(tmp_path, monkeypatch):
    monkeypatch.delenv("DQN_TUTORIAL_REPOSITORY_URL", raising=False)
    app = fake_app(tmp_path, {"repository_url": ""})
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 1, "source": ["x = 1\n"]}
    write_executed(app, [cell])
    context = {}
    dqn_book.offer_notebook_download(app, PAGE, "page.html", context, None)
    dqn_book.add_setup_cell(app, PAGE, "page.html", context, None)
    offered = json.loads((Path(app.outdir) / "_sources" / f"{PAGE}.ipynb").read_text())
    assert offered["cells"] == [cell] and context["ipynb_source"] == f"{PAGE}.ipynb"


def test_offered_notebook_fetches_the_repository_when_run_elsewhere(tmp_path, monkeypatch):
    """The setup cell, run in an empty folder, clones the repository, installs it and moves into the
    chapter's folder (git and pip are recorded, not run); run inside the chapter's folder, it does nothing."""
    monkeypatch.setenv("DQN_TUTORIAL_REPOSITORY_URL", "https://github.com/someone/dqn-tutorial")
    app = fake_app(tmp_path, {"repository_url": "", "repository_branch": "main"})
    write_executed(app, [{"cell_type": "markdown", "metadata": {}, "source": ["# Chapter 7\n"]}])
    dqn_book.offer_notebook_download(app, PAGE, "page.html", {}, None)
    # (sphinx-book-theme copies the executed notebook again in between, at priority 501)
    dqn_book.add_setup_cell(app, PAGE, "page.html", {}, None)
    offered = json.loads((Path(app.outdir) / "_sources" / f"{PAGE}.ipynb").read_text())
    setup = "".join(offered["cells"][0]["source"])
    assert offered["cells"][0]["cell_type"] == "code" and offered["cells"][1]["cell_type"] == "markdown"
    assert "https://github.com/someone/dqn-tutorial" in setup and "'chapters/07_dqn_2013'" in setup
    compile(setup, "setup cell", "exec")

    # In an empty folder: clone, install, then into chapters/07_dqn_2013 of the clone.
    fake = (
        "import os, subprocess\ncalls = []\n"
        "def run(command, check):\n"
        "    calls.append(command[:2] if command[0] == 'git' else command[1:4])\n"
        "    if command[0] == 'git': os.makedirs(os.path.join(command[-1], 'chapters', '07_dqn_2013'))\n"
        "subprocess.run = run\n"
    )
    probe = fake + setup + "\nprint(calls, os.getcwd())"
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"[['git', 'clone'], ['-m', 'pip', 'install']] {tmp_path / 'dqn-tutorial' / 'chapters' / '07_dqn_2013'}"
    )

    # Inside the chapter's folder (the repository is there): nothing is fetched or installed.
    chapter = REPOSITORY / "chapters" / "07_dqn_2013"
    probe = "import subprocess\nsubprocess.run = None\n" + setup + "\nprint('stayed', __import__('os').getcwd())"
    result = subprocess.run([sys.executable, "-c", probe], cwd=chapter, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and f"stayed {chapter}" in result.stdout, result.stderr


@pytest.mark.parametrize("docname", [PAGE, "chapters/12_breakout_run/12_breakout_run"])
def test_chapter_pages_are_recognised(docname):
    assert dqn_book.CHAPTER_PAGE.fullmatch(docname)
    assert not dqn_book.CHAPTER_PAGE.fullmatch("book/intro")


def load_legibility_check():
    path = REPOSITORY / "book" / "_ipython" / "profile_default" / "startup" / "legible_figures.py"
    spec = importlib.util.spec_from_file_location("legible_figures", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "width, points, legible",
    [(7.5, 9, False), (7.5, 11.6, True), (6.4, 10, True), (6.4, 9, False), (5.0, 8, True), (3.0, 5, False)],
)
def test_the_book_stops_a_figure_illegible_on_a_phone(width, points, legible):
    """The chapters' kernels load book/_ipython's startup script: a figure shrunk onto a 350 px column
    must keep its smallest text at 7.5 px or more, else drawing it raises with the fix."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    check = load_legibility_check()
    figure, axis = plt.subplots(figsize=(width, 3))
    axis.plot([0, 1], [0, 1], label="a line")
    axis.legend(fontsize=points)
    axis.tick_params(labelsize=max(points, 12))
    try:
        if legible:
            check.check_legible(figure)
        else:
            with pytest.raises(ValueError, match=r"illegible on a phone: 'a line' is .* at most [\d.]+ in"):
                check.check_legible(figure)
    finally:
        plt.close(figure)


def test_hidden_axes_do_not_count():
    """An image shown with axis("off") keeps tick labels matplotlib never draws: they are no text."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    check = load_legibility_check()
    figure, axes = plt.subplots(1, 2, figsize=(7.5, 3))
    for axis in axes:
        axis.imshow([[0, 1], [1, 0]])
        axis.axis("off")
        axis.set_title("a frame", fontsize=12)
    try:
        check.check_legible(figure)
        axes[0].axis("on")
        with pytest.raises(ValueError, match="illegible on a phone"):
            check.check_legible(figure)
    finally:
        plt.close(figure)
