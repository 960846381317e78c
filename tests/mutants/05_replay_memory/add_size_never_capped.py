"""add_transition counts every transition ever added as the size (size + 1, never capped at
capacity): after the first wrap the memory believes it holds more transitions than it has slots,
and "is the memory full?" is never true again."""

CAUGHT_BY = ["test_add_transition"]


def add_transition(storage, cursor, size, frame, action, reward, terminal, episode_end):
    capacity = len(storage["frames"])
    if size >= capacity:
        storage["end_before_oldest"] = bool(storage["episode_ends"][cursor])
    storage["frames"][cursor] = frame
    storage["actions"][cursor] = action
    storage["rewards"][cursor] = reward
    storage["terminals"][cursor] = terminal
    storage["episode_ends"][cursor] = episode_end
    return (cursor + 1) % capacity, size + 1
