"""add_transition copies the episode_end flag of slot `cursor` after writing the new transition
there: it keeps the new step's flag instead of the overwritten one, so the memory no longer knows
whether its oldest slot starts an episode."""

CAUGHT_BY = ["test_add_transition"]


def add_transition(storage, cursor, size, frame, action, reward, terminal, episode_end):
    capacity = len(storage["frames"])
    storage["frames"][cursor] = frame
    storage["actions"][cursor] = action
    storage["rewards"][cursor] = reward
    storage["terminals"][cursor] = terminal
    storage["episode_ends"][cursor] = episode_end
    if size == capacity:
        storage["end_before_oldest"] = bool(storage["episode_ends"][cursor])
    return (cursor + 1) % capacity, min(size + 1, capacity)
