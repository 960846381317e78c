"""Cheat: find_silent_bug looks for the grader's module among the loaded modules (sys.modules), takes its
ANSWER_DIGEST and tries every function name of the buggy script. The harness takes the grader's module
out of sys.modules in the child, so there is nothing to find: a wrong answer."""

CAUGHT_BY = ["test_find_silent_bug"]
MESSAGE = "find_silent_bug raised LookupError"


def find_silent_bug():
    import ast
    import hashlib
    import os
    import sys

    digests = [
        vars(module)["ANSWER_DIGEST"]
        for module in list(sys.modules.values())
        if isinstance(getattr(module, "__dict__", None), dict) and "ANSWER_DIGEST" in vars(module)
    ]
    if not digests:
        raise LookupError("no module holds ANSWER_DIGEST")
    root = os.environ.get("DQN_TUTORIAL_ROOT", ".")
    with open(os.path.join(root, "chapters", "12_breakout_run", "silent_bug", "buggy_train.py")) as script:
        tree = ast.parse(script.read())
    names = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    return next(name for name in names if hashlib.sha256(name.encode()).hexdigest() == digests[0])
