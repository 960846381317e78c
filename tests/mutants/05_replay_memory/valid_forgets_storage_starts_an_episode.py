"""is_valid_sample ignores end_before_oldest and only looks for episode ends from the oldest slot on:
before the memory wraps, the first history_length-1 transitions ever stored are never sampled,
although the game started there (their stacks are padded), and likewise after a wrap when the new
oldest slot starts an episode."""

CAUGHT_BY = ["test_is_valid_sample"]


def is_valid_sample(storage, index, cursor, size, history_length=4):
    capacity = len(storage["episode_ends"])
    oldest = cursor if size == capacity else 0
    age = (index - oldest) % capacity
    if age >= size - 1:
        return False
    if storage["episode_ends"][index] and not storage["terminals"][index]:
        return False
    if age < history_length - 1:
        return any(storage["episode_ends"][(oldest + a) % capacity] for a in range(age))
    return True
