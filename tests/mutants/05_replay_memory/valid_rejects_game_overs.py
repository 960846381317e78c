"""is_valid_sample rejects every transition with episode_end, game overs included: "the next
observation is not stored". But a terminal transition needs no next observation, and without the
game-over transitions the agent never learns that losing the last ball is bad."""

CAUGHT_BY = ["test_is_valid_sample"]


def is_valid_sample(storage, index, cursor, size, history_length=4):
    capacity = len(storage["episode_ends"])
    oldest = cursor if size == capacity else 0
    age = (index - oldest) % capacity
    if age >= size - 1:
        return False
    if storage["episode_ends"][index]:
        return False
    if age < history_length - 1:
        ends = [storage["episode_ends"][(oldest + a) % capacity] for a in range(age)]
        return bool(storage["end_before_oldest"] or any(ends))
    return True
