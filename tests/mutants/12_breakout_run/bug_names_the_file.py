"""find_silent_bug returns the name of the script instead of the name of the function inside it that
holds the bug."""

CAUGHT_BY = ["test_find_silent_bug"]


def find_silent_bug():
    return "buggy_train.py"
