"""Not a mistake but a shortcut: linear_epsilon imports the answer from solutions/. Grading must make
this impossible (`import solutions` raises ImportError in graded code, however sys.path is set up),
so the grader fails it; if this mutant survives, the learner's code can see the solutions."""

CAUGHT_BY = ["test_linear_epsilon"]


def linear_epsilon(step, start=1.0, end=0.1, duration=1_000_000):
    import importlib
    import sys
    from pathlib import Path

    repository = str(Path(__file__).resolve().parents[3])
    if repository not in sys.path:
        sys.path.insert(0, repository)
    answers = importlib.import_module("solutions.06_exploration.exercises")
    return answers.linear_epsilon(step, start, end, duration)
