"""updates_due makes one update whenever step % update_every == 0 (the usual single-environment
shortcut): with several emulators the step count jumps by num_envs between calls, so updates are
skipped (8 emulators: half of them), and the phase ignores learning_starts."""

CAUGHT_BY = ["test_updates_due"]


def updates_due(step, learning_starts, update_every, updates_done):
    if step > learning_starts and step % update_every == 0:
        return 1
    return 0
