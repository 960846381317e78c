"""add_transition computes the new cursor and size with numpy (np.mod, np.minimum): the values are right,
but they are numpy.int64, not the Python ints the contract asks for, and they then travel through the
memory's state into checkpoints."""

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
    return np.mod(cursor + 1, capacity), np.minimum(size + 1, capacity)
