"""Cheat: find_silent_bug reads the grader file, takes the answer's SHA-256 digest (ANSWER_DIGEST) and
tries every function name of the buggy script until one hashes to it."""

CAUGHT_BY = ["test_find_silent_bug"]
MESSAGE = "reads tests/graders/test_12_breakout_run.py, a file of the grader"


def find_silent_bug():
    import ast
    import hashlib
    import os
    import re

    root = os.environ.get("DQN_TUTORIAL_ROOT", ".")
    with open(os.path.join(root, "tests", "graders", "test_12_breakout_run.py")) as grader:
        digest = re.search(r'ANSWER_DIGEST = "([0-9a-f]+)"', grader.read()).group(1)
    with open(os.path.join(root, "chapters", "12_breakout_run", "silent_bug", "buggy_train.py")) as script:
        tree = ast.parse(script.read())
    names = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            names.append(node.name)
        elif isinstance(node, ast.ClassDef):
            names += [f"{node.name}.{item.name}" for item in node.body if isinstance(item, ast.FunctionDef)]
    return next(name for name in names if hashlib.sha256(name.encode()).hexdigest() == digest)
