# Every target sets itself up: the first run creates .venv and installs the project into it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# CPU machines take the CPU wheel of this exact version (no CUDA downloads); on a machine with
# CUDA, pip takes the CUDA build of the same version. Override with TORCH_SPEC=... if you need to.
TORCH_SPEC ?= torch==2.13.0
STAMP := $(VENV)/.installed
CH ?=
PRESET ?= nature2015
RUN_DIR ?= runs/$(PRESET)

.PHONY: help setup test grade train lab lint book book-check ablation benchmark benchmark-gpu gpu-check breakout-10min \
	learn-breakout-cpu clean-venv

help:
	@echo "make test        create .venv, install, run every test (reference, graders, mutants)"
	@echo "make grade       grade your exercises in chapters/   (make grade CH=05 for one chapter)"
	@echo "make lab         open the chapters in JupyterLab, each NN_name.md as a notebook (Ctrl-C stops it)"
	@echo "make train       train Breakout with the $(PRESET) preset into $(RUN_DIR)"
	@echo "                 (make train IMPL=chapters: with your own functions from chapters/)"
	@echo "make book        build the Jupyter Book into book/_build/html"
	@echo "make lint        ruff check . and ruff format --check . (settings: [tool.ruff] in pyproject.toml)"
	@echo "make benchmark   run the scripts in benchmarks/"
	@echo "make benchmark-gpu  the fast engine's speed and a full-size run's peak memory, on a CUDA GPU"
	@echo "make breakout-10min the short GPU run of Chapter 12: train 8 min, then 30 games (Nature protocol)"
	@echo "make gpu-check   on a GPU machine, at most 9 min: CUDA-graph tests, speeds, a short Breakout run; one JSON report"
	@echo "                 (make gpu-check DRY=1: every step for seconds on a CPU, as CI runs it)"
	@echo "make learn-breakout-cpu  train and evaluate a Breakout agent on a CPU in at most 75 min (Chapter 12's curve)"
	@echo "make book-check  open the built book in headless Chromium and check every page"
	@echo "make ablation    re-run the ladder ablation on CartPole (about 7 min of CPU; the command behind book/data)"
	@echo "                 (make ablation RAY=auto: the runs as Ray tasks on this machine; RAY=HEAD:6379 on a cluster)"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q "$(TORCH_SPEC)"
	$(BIN)/python -m pip install -q -e ".[dev,ray]" "$(TORCH_SPEC)"
	touch $(STAMP)

setup: $(STAMP)

# The reference package, the graders on solutions/, every mutant, every cheat (tests/cheats: the
# harness must catch them), then the graders on the stubs in chapters/ (all "not attempted" on a
# fresh clone, which passes).
# One math thread per process: the tests run small networks, and on a busy 2-core machine a second
# thread only adds contention (measured: 30x slower forward passes under load).
test: $(STAMP)
	OMP_NUM_THREADS=1 $(BIN)/pytest tests/reference tests/graders tests/mutants tests/cheats --impl=solutions -q
	OMP_NUM_THREADS=1 $(BIN)/pytest tests/graders -q
	$(MAKE) --no-print-directory lint

grade: $(STAMP)
	$(BIN)/pytest tests/graders $(if $(CH),-k "ch$(CH)",)

# IMPL=chapters trains with your functions from chapters/ (IMPL=solutions: the answers); a chapter not
# done yet runs the reference's, and the run says whose code ran.
IMPL ?= reference
train: $(STAMP)
	$(BIN)/dqn-tutorial train --preset $(PRESET) --run-dir $(RUN_DIR) --impl $(IMPL) $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The ablation on the CPU proxy (CartPole): writes book/data/ablation_cartpole*, which Chapter 12 plots.
# Finished runs are kept (book/data/ablation_cartpole_parts/), so a stopped sweep continues where it stopped.
# RAY=auto (or a cluster's HEAD:6379) fans the runs out as Ray tasks, installing the ray extra first.
RAY ?=
ablation: $(STAMP)
	$(if $(RAY),$(BIN)/python -m pip install -q -e ".[ray]" "$(TORCH_SPEC)")
	OMP_NUM_THREADS=1 $(BIN)/python benchmarks/ablation.py --seeds 3 --steps 10000 --eval-every 1000 \
		$(if $(RAY),--ray $(RAY)) $(ARGS)

benchmark: $(STAMP)
	$(BIN)/python -m pip install -q -e ".[benchmark]" "$(TORCH_SPEC)"
	$(BIN)/python benchmarks/replay_memory.py
	$(BIN)/python benchmarks/throughput.py

# On a CUDA GPU (Chapter 12, BENCHMARKS.md). Each command is self-contained and meant to finish in under 10 minutes.
benchmark-gpu: $(STAMP)
	$(BIN)/python benchmarks/throughput.py --engine fast --device cuda --num-envs 16 --skip-sb3 \
		--replay-capacity 1000000 --learning-starts 50000 --steps 500000
	$(BIN)/python benchmarks/peak_memory.py --engine fast --device cuda --num-envs 16

# Chapter 12's proof that the agent learns Breakout on a 2-core CPU: at most 75 minutes, writes book/data/breakout_cpu*.
learn-breakout-cpu: $(STAMP)
	OMP_NUM_THREADS=1 $(BIN)/python benchmarks/learn_breakout_cpu.py $(ARGS)

# Everything a GPU machine should tell us about the fast engine (benchmarks/gpu_check.py): the CUDA-graph
# equality tests, emulators/update/whole-loop speeds at the Nature settings with the 1M replay memory, and
# breakout_10min trained for what the 9 minutes leave (at most 4), then 30 games. Writes one JSON report
# (runs/gpu-check/<time>/report.json, or GPU_CHECK_DIR). DRY=1: every step for seconds on a CPU (CI).
GPU_CHECK_DIR ?=
gpu-check: $(STAMP)
	$(BIN)/python benchmarks/gpu_check.py $(if $(filter 1 yes true,$(DRY)),--dry) \
		$(if $(GPU_CHECK_DIR),--folder $(GPU_CHECK_DIR)) $(ARGS)

BREAKOUT_10MIN_DIR ?= runs/breakout-10min
breakout-10min: $(STAMP)
	$(BIN)/dqn-tutorial train --preset breakout_10min --device cuda --run-dir $(BREAKOUT_10MIN_DIR) --no-progress $(ARGS)
	$(BIN)/dqn-tutorial evaluate $(BREAKOUT_10MIN_DIR) --episodes 30 --device cuda \
		--output $(BREAKOUT_10MIN_DIR)/final_evaluation.json

clean-venv:
	rm -rf $(VENV)

# --- The book (book/): Jupyter Book 1.x, built from the repository root so that each chapter exists
# once, in chapters/. Every chapter runs against solutions/; executions are cached in
# book/_build/.jupyter_cache, so a second build re-runs only the chapters whose notebook or code changed.
BOOK_STAMP := $(VENV)/.book-installed
CHROMIUM ?= /usr/bin/chromium
CHROMEDRIVER ?= /usr/bin/chromedriver
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(BOOK_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install -q -e ".[book]" "$(TORCH_SPEC)"
	touch $(BOOK_STAMP)

book: $(BOOK_STAMP)
	DQN_TUTORIAL_IMPL=solutions OMP_NUM_THREADS=1 $(BIN)/jupyter-book build . \
		--config book/_config.yml --toc book/_toc.yml --path-output book -W -n --keep-going
	@# jupyter-book's root index.html is a bare redirect with no title (a browser tab reads "index.html")
	printf '%s\n' '<!DOCTYPE html>' '<html lang="en"><head><meta charset="utf-8"><title>DQN, piece by piece</title>' \
		'<meta http-equiv="Refresh" content="0; url=book/intro.html"></head>' \
		'<body><a href="book/intro.html">DQN, piece by piece</a></body></html>' > book/_build/html/index.html

# JupyterLab on chapters/ with the book's extras (jupytext, jupyterlab). A double click opens each
# chapter's NN_name.md as a notebook through jupytext (the default viewer for Markdown, set in the venv's
# own lab settings, not in ~/.jupyter) and exercises.py in the editor. Extra options: ARGS="--no-browser --port 8899".
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
$(LAB_SETTINGS): $(BOOK_STAMP)
	mkdir -p $(@D)
	echo '{"@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}}}' > $@

# As root (a container), Jupyter refuses to start without --allow-root.
lab: $(BOOK_STAMP) $(LAB_SETTINGS)
	$(BIN)/jupyter lab --ServerApp.root_dir=chapters $(if $(filter 0,$(shell id -u)),--allow-root) $(ARGS)

# Opens the built book in headless Chromium (Debian's chromium + chromium-driver, installed here when
# missing) and checks every page; screenshots land in book/_build/screenshots/.
book-check: book
	@if [ ! -x "$(CHROMIUM)" ] || [ ! -x "$(CHROMEDRIVER)" ]; then \
		echo "installing Debian's chromium and chromium-driver for the browser check"; \
		$(SUDO) apt-get update -q && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; \
	fi
	CHROMIUM="$(CHROMIUM)" CHROMEDRIVER="$(CHROMEDRIVER)" $(BIN)/pytest tests/book -q
