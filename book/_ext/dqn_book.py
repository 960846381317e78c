"""Sphinx extension for this book (loaded by book/_config.yml, `local_extensions`).

It does these small things that Jupyter Book 1.x does not do on its own:

1. Runs the chapters against solutions/: sets DQN_TUTORIAL_IMPL=solutions when it is unset, so the
   kernels that execute the chapters load the reference answers (`make book` sets it too). It also
   sets OMP_NUM_THREADS=1 when unset: the chapters run small networks one observation at a time,
   where a second PyTorch thread does not help, and on a busy 2-core machine it makes each forward
   pass many times slower (measured: 1.8 ms with one thread, 67 ms with two).
2. Numbers each exercise as the chapter does. sphinx-exercise numbers exercises 1, 2, 3, ... across
   the whole book; a label `ex-6-2` is shown as "Exercise 6.2", the number the chapter text, the
   stub's NotImplementedError and the grader use.
3. Offers every chapter as an .ipynb download. sphinx-book-theme adds the ".ipynb" entry to the
   download menu only when a launch button (Binder, Colab, ...) is configured; here the executed
   notebook that MyST-NB writes is copied next to the page's sources and the entry is always added.
4. Keeps the execution cache honest. The cache only looks at a notebook's own code cells, so a
   change to the answers it runs (solutions/), to dqn_tutorial/ or to the book/data/ files it reads
   would otherwise leave old outputs in place. When a chapter's inputs changed since it was executed,
   its cached execution is dropped and the chapter is read (and so executed) again; the other
   chapters are not (a change to dqn_tutorial/ re-runs them all).
5. Removes the duplicate inline scripts that Jupyter Book 1.0.4 puts in every page (one of them is a
   JavaScript error in the browser console).
6. Adds book/_static/ (the favicon and dqn_book.css: a click anywhere on a solution's title opens it).
7. Drops the `### BEGIN SOLUTION` / `### END SOLUTION` marker lines from the code that the solution
   dropdowns include from solutions/ (the graders' sync test needs them in the file, not the reader).
8. Numbers the figures of a chapter by the chapter: the second figure of Chapter 5 is "Figure 5.2".
9. Draws the chapters' figures "retina" (twice the pixels, shown at their size) through the IPython
   profile in book/_ipython/, so they stay sharp on high-density screens.
10. Adds launch buttons (Binder, Colab) to every chapter when the book knows where its repository is
    published (`repository.url` in book/_config.yml, or DQN_TUTORIAL_REPOSITORY_URL); with no URL
    there are none, rather than buttons that open Jupyter Book's own repository. The notebook a reader
    downloads or launches then starts with a cell that fetches the repository when it runs elsewhere.
11. Loads dqn_search.js (a search that ranks a chapter first for its own topic and shows math as text
    in its snippets) and dqn_book.js (display math shrinks to fit a phone).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)

EXERCISE_LABEL = re.compile(r"ex-(\d+)-(\d+)")
# How a chapter shows that it uses book/data/, and which chapters' exercises it loads.
DATA_FOLDER = re.compile(r"""book/data|["']data["']""")
LOAD_EXERCISES = re.compile(r"""load_exercises\(\s*["'](\d\d_\w+)["']""")
INPUTS_RECORD = "dqn_book_executions.json"
BOOK = Path(__file__).resolve().parent.parent
IPYTHON_PROFILE = BOOK / "_ipython"
CHAPTER_PAGE = re.compile(r"chapters/(\d\d)_\w+/\1_\w+")


# --- 1. environment of the kernels --------------------------------------------------------------


def set_implementation(app: Sphinx, config) -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    # the kernels read book/_ipython/profile_default/ipython_kernel_config.py: retina figures
    os.environ.setdefault("IPYTHONDIR", str(IPYTHON_PROFILE))
    value = os.environ.setdefault("DQN_TUTORIAL_IMPL", "solutions")
    if value != "solutions":
        LOGGER.info(f"[dqn_book] DQN_TUTORIAL_IMPL={value}: the chapters run against {value}, not solutions/")


def report_chapters(app: Sphinx) -> None:
    """Say which chapters this build contains (the toc finds them with a glob)."""
    chapters = Path(app.srcdir) / "chapters"
    present, incomplete = [], []
    for folder in sorted(chapters.glob("[0-9][0-9]_*")):
        if folder.is_dir():
            (present if (folder / f"{folder.name}.md").is_file() else incomplete).append(folder.name)
    LOGGER.info(f"[dqn_book] {len(present)} chapter(s) in the book: {', '.join(present) or 'none'}")
    for name in incomplete:
        LOGGER.info(f"[dqn_book] chapters/{name}/ has no {name}.md yet, so it is not in the book")


# --- 2. exercise numbers ------------------------------------------------------------------------


def number_exercises_by_label(app: Sphinx, env) -> list[str]:
    """Runs after Sphinx has numbered the figures (env-get-updated): ex-N-M becomes N.M."""
    changed = []
    for docname, numbers in env.toc_fignumbers.items():
        exercises = numbers.get("exercise", {})
        for node_id in list(exercises):
            match = EXERCISE_LABEL.fullmatch(node_id)
            if match:
                exercises[node_id] = (int(match.group(1)), int(match.group(2)))
                changed.append(docname)
        # Figures: with no numbered sections Sphinx counts them across the whole book (the second
        # figure of Chapter 5 might be its 20th); in a chapter they become N.1, N.2, ... in page order.
        chapter = CHAPTER_PAGE.fullmatch(docname)
        figures = numbers.get("figure", {})
        if chapter and figures:
            in_order = sorted(figures, key=lambda node_id: figures[node_id])
            for index, node_id in enumerate(in_order, start=1):
                figures[node_id] = (int(chapter.group(1)), index)
            changed.append(docname)
    return sorted(set(changed))


# --- 3. .ipynb download -------------------------------------------------------------------------


def offer_notebook_download(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Before the theme builds its header buttons (priority 501), point them at the executed notebook.

    With a repository URL configured, the notebook starts with a cell that fetches and installs the
    repository when it runs outside it (Colab, Binder, a download), and changes into the chapter's folder.
    """
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if app.builder.format != "html" or not executed.is_file():
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(executed, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def add_setup_cell(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """After sphinx-book-theme's launch buttons (priority 501), which copy the executed notebook over
    ours again: with a repository URL, the offered notebook starts with the setup cell."""
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    repository = repository_url(app)
    if app.builder.format != "html" or not executed.is_file() or not repository or not CHAPTER_PAGE.fullmatch(pagename):
        return
    notebook = json.loads(executed.read_text(encoding="utf-8"))
    notebook["cells"].insert(0, setup_cell(repository, branch(app), Path(pagename).parent.as_posix()))
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.write_text(json.dumps(notebook, indent=1) + "\n", encoding="utf-8")


SETUP_CELL = """\
# Run outside the repository (Colab, Binder, a downloaded notebook)? This cell fetches the repository
# once, installs it, and moves into this chapter's folder, where your exercises.py is.
import os, pathlib, subprocess, sys

if not pathlib.Path("exercises.py").is_file():
    if not pathlib.Path("dqn-tutorial").is_dir():
        repository, branch = {url!r}, {branch!r}
        subprocess.run(["git", "clone", "--depth", "1", "--branch", branch, repository, "dqn-tutorial"], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-e", "dqn-tutorial"], check=True)
    os.chdir(pathlib.Path("dqn-tutorial") / {folder!r})
    sys.path.insert(0, str(pathlib.Path.cwd().parents[1]))
"""


def setup_cell(url: str, branch_name: str, folder: str) -> dict:
    source = SETUP_CELL.format(url=url, branch=branch_name, folder=folder)
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": "dqn-tutorial-setup",
        "metadata": {"tags": ["setup"]},
        "outputs": [],
        "source": source.splitlines(keepends=True),
    }


# --- 10. launch buttons ---------------------------------------------------------------------------
# Jupyter Book's default repository is its own; book/_config.yml sets it to "" so that no button
# points there. A URL (in the config, or DQN_TUTORIAL_REPOSITORY_URL) turns the buttons on:
# - Binder opens the chapter's NN_name.md in JupyterLab, which opens it as a notebook (jupytext);
# - Colab opens only .ipynb files on GitHub: it gets the notebook this site publishes next to the page
#   (_sources/<page>.ipynb on the branch the site is published from, DQN_TUTORIAL_PAGES_BRANCH,
#   gh-pages by default), whose first cell fetches the repository.


def repository_url(app: Sphinx) -> str:
    configured = app.config.html_theme_options.get("repository_url", "") or ""
    return (os.environ.get("DQN_TUTORIAL_REPOSITORY_URL") or configured).strip().rstrip("/")


def branch(app: Sphinx) -> str:
    return app.config.html_theme_options.get("repository_branch") or "main"


def configure_launch_buttons(app: Sphinx, config) -> None:
    options = config.html_theme_options
    url = repository_url(app)
    if not url:
        # sphinx-book-theme fails on launch buttons without a repository: none at all
        options["launch_buttons"] = {}
        return
    options["repository_url"] = url
    options.setdefault("repository_branch", "main")
    options["launch_buttons"] = {"binderhub_url": "https://mybinder.org", "notebook_interface": "jupyterlab"}
    options["use_repository_button"] = True


def add_colab_button(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """After sphinx-book-theme's launch buttons (priority 501): Colab, for the chapters' notebooks."""
    url = repository_url(app)
    if not url or not CHAPTER_PAGE.fullmatch(pagename) or "github.com/" not in url:
        return
    owner_repo = url.split("github.com/", 1)[1].removesuffix(".git")
    pages = os.environ.get("DQN_TUTORIAL_PAGES_BRANCH", "gh-pages")
    button = {
        "type": "link",
        "text": "Colab",
        "tooltip": "Launch on Colab",
        "icon": "_static/images/logo_colab.png",
        "url": f"https://colab.research.google.com/github/{owner_repo}/blob/{pages}/_sources/{pagename}.ipynb",
    }
    for group in context.get("header_buttons", []):
        if group.get("label") == "launch-buttons":
            group["buttons"].append(button)
            return


# --- 4. execution cache -------------------------------------------------------------------------
# A chapter's inputs: dqn_tutorial/, its own folder (but not the notebook itself, which the cache
# already tracks), the solutions/ folders of every chapter it loads with load_exercises(...), and the
# files of book/data/ it names.
# Two records of their digest are kept per chapter: the digest its cached execution ran under (a JSON
# file next to the cache, written as soon as the chapter has executed, so a build that fails later
# keeps the chapters it did run) and the digest it was last read under (in Sphinx's environment,
# saved with it). A chapter is re-read when the second differs, re-executed when the first does.


def files_under(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return [path for path in sorted(root.rglob("*")) if path.is_file() and "__pycache__" not in path.parts]


def chapter_inputs(srcdir: Path, docname: str) -> list[Path]:
    notebook = srcdir / f"{docname}.md"
    source = notebook.read_text(encoding="utf-8")
    used = {notebook.parent.name, *LOAD_EXERCISES.findall(source)}
    files = files_under(srcdir / "dqn_tutorial") + [path for path in files_under(notebook.parent) if path != notebook]
    # the book's IPython profile: its config and startup scripts (retina figures, the legibility check)
    files += [path for path in files_under(srcdir / "book" / "_ipython" / "profile_default") if path.suffix == ".py"]
    for name in sorted(used):
        files += files_under(srcdir / "solutions" / name)
    # book/data/: the files the chapter names; all of them if it names none but uses the folder.
    data = files_under(srcdir / "book" / "data")
    named = [path for path in data if path.name in source]
    files += named if named or not DATA_FOLDER.search(source) else data
    return files


def chapter_digest(srcdir: Path, docname: str) -> str:
    digest = hashlib.sha256()
    for path in chapter_inputs(srcdir, docname):
        if path.is_file():
            digest.update(path.relative_to(srcdir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def cache_path(app: Sphinx) -> Path:
    configured = getattr(app.config, "nb_execution_cache_path", "")
    return Path(configured) if configured else Path(app.outdir).parent / ".jupyter_cache"


def executed_under_path(app: Sphinx) -> Path:
    return Path(app.outdir).parent / INPUTS_RECORD


def read_executed_under(app: Sphinx) -> dict[str, str]:
    path = executed_under_path(app)
    try:
        return json.loads(path.read_text()) if path.is_file() else {}
    except ValueError:
        return {}


def drop_stale_executions(app: Sphinx) -> None:
    """Remove the cached executions of chapters whose inputs changed since they ran."""
    srcdir = Path(app.srcdir)
    app.env.dqn_book_digests = digests = {
        f"chapters/{folder.name}/{folder.name}": chapter_digest(srcdir, f"chapters/{folder.name}/{folder.name}")
        for folder in sorted((srcdir / "chapters").glob("[0-9][0-9]_*"))
        if (folder / f"{folder.name}.md").is_file()
    }
    if not cache_path(app).is_dir():
        return
    from jupyter_cache import get_cache

    executed_under = read_executed_under(app)
    cache = get_cache(str(cache_path(app)))
    for record in cache.list_cache_records():
        docname = app.env.path2doc(record.uri)
        if docname is None or executed_under.get(docname) != digests.get(docname):
            LOGGER.info(
                f"[dqn_book] {docname or record.uri}: its code (solutions/, dqn_tutorial/, book/data/ "
                "or its folder) changed since it was executed: it will run again"
            )
            cache.remove_cache(record.pk)


def outdated_chapters(app: Sphinx, env, added, changed, removed) -> list[str]:
    read_under = getattr(env, "dqn_book_read_under", {})
    return sorted(
        name
        for name, digest in env.dqn_book_digests.items()
        if name in env.found_docs and read_under.get(name) != digest
    )


def record_execution(app: Sphinx, doctree) -> None:
    """doctree-read: the chapter has just been executed (or taken from the cache) with these inputs."""
    docname = app.env.docname
    digest = app.env.dqn_book_digests.get(docname)
    if digest is None:
        return
    if not hasattr(app.env, "dqn_book_read_under"):
        app.env.dqn_book_read_under = {}
    app.env.dqn_book_read_under[docname] = digest
    executed_under = read_executed_under(app)
    executed_under[docname] = digest
    executed_under_path(app).parent.mkdir(parents=True, exist_ok=True)
    executed_under_path(app).write_text(json.dumps(executed_under, indent=1, sort_keys=True) + "\n")


# --- 5.-7. pages ------------------------------------------------------------------------------


def drop_duplicate_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Jupyter Book 1.0.4 with Sphinx 7.4 adds the inline scripts of sphinx-togglebutton and sphinx-thebe
    twice (once with filename None, once with ''), and the second `const THEBE_JS_URL` is a SyntaxError
    in the browser console. Keep the first of identical scripts."""
    if "script_files" not in context:
        return
    seen, kept = set(), []
    for script in context["script_files"]:
        key = (
            getattr(script, "filename", str(script)) or "",
            tuple(sorted((k, str(v)) for k, v in getattr(script, "attributes", {}).items())),
        )
        if key not in seen:
            seen.add(key)
            kept.append(script)
    context["script_files"] = kept


SOLUTION_MARKERS = {"### BEGIN SOLUTION", "### END SOLUTION"}


def strip_solution_markers(app: Sphinx, doctree) -> None:
    """doctree-read: literalinclude blocks from solutions/ lose their region marker lines."""
    solutions = Path(app.srcdir).resolve() / "solutions"
    for block in doctree.findall(nodes.literal_block):
        source = block.get("source")
        if not source or solutions not in Path(source).resolve().parents:
            continue
        text = block.astext()
        kept = "\n".join(line for line in text.split("\n") if line.strip() not in SOLUTION_MARKERS)
        if kept != text:
            block.children = [nodes.Text(kept)]
            block.rawsource = kept


STATIC = Path(__file__).resolve().parent.parent / "_static"


def add_static_files(app: Sphinx, config) -> None:
    config.html_static_path = [*config.html_static_path, str(STATIC)]


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", add_static_files)
    app.connect("config-inited", configure_launch_buttons)
    app.add_css_file("dqn_book.css")
    app.add_js_file("dqn_search.js")
    app.add_js_file("dqn_book.js")
    app.connect("config-inited", set_implementation)
    app.connect("builder-inited", report_chapters)
    app.connect("builder-inited", drop_stale_executions, priority=900)
    app.connect("env-get-outdated", outdated_chapters)
    app.connect("doctree-read", record_execution)
    app.connect("doctree-read", strip_solution_markers)
    app.connect("env-get-updated", number_exercises_by_label, priority=900)
    app.connect("html-page-context", offer_notebook_download, priority=400)
    app.connect("html-page-context", add_colab_button, priority=600)
    app.connect("html-page-context", add_setup_cell, priority=600)
    app.connect("html-page-context", drop_duplicate_scripts, priority=999)
    # Reading records per-chapter state in the environment and a file: serial reading only.
    return {"version": "1.0", "parallel_read_safe": False, "parallel_write_safe": True}
