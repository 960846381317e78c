"""add_transition stores the frame with np.copyto(frame, storage["frames"][cursor]), the arguments the wrong
way round (np.copyto(destination, source)): the slot is never written, and the caller's frame, the
newest of the agent's frame stack, is overwritten with whatever the slot held."""

CAUGHT_BY = ["test_add_transition"]


def add_transition(storage, cursor, size, frame, action, reward, terminal, episode_end):
    capacity = len(storage["frames"])
    if size == capacity:
        storage["end_before_oldest"] = bool(storage["episode_ends"][cursor])
    np.copyto(frame, storage["frames"][cursor])
    storage["actions"][cursor] = action
    storage["rewards"][cursor] = reward
    storage["terminals"][cursor] = terminal
    storage["episode_ends"][cursor] = episode_end
    return (cursor + 1) % capacity, min(size + 1, capacity)
