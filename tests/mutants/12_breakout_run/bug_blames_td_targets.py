"""find_silent_bug blames td_targets, the usual suspect: it is where a missing terminal mask or a
gradient through the target would be, but in this script it is correct (the mask is there, and the
caller computes it under no_grad)."""

CAUGHT_BY = ["test_find_silent_bug"]


def find_silent_bug():
    return "td_targets"
