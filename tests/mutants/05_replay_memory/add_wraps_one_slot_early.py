"""add_transition wraps the cursor when it reaches capacity - 1 ("the last index is capacity - 1"),
an off-by-one: the last slot is never written again after the first pass, so the ring really holds
capacity - 1 transitions and the size it reports is wrong."""

CAUGHT_BY = ["test_add_transition"]


def add_transition(storage, cursor, size, frame, action, reward, terminal, episode_end):
    capacity = len(storage["frames"])
    if size == capacity:
        storage["end_before_oldest"] = bool(storage["episode_ends"][cursor])
    storage["frames"][cursor] = frame
    storage["actions"][cursor] = action
    storage["rewards"][cursor] = reward
    storage["terminals"][cursor] = terminal
    storage["episode_ends"][cursor] = episode_end
    cursor += 1
    if cursor == capacity - 1:
        cursor = 0
    return cursor, min(size + 1, capacity)
