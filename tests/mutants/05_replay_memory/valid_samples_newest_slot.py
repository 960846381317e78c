"""is_valid_sample accepts the newest slot (only never-written slots are excluded): its next
observation has not been stored yet, so the sampler would rebuild s' from a stale or empty slot."""

CAUGHT_BY = ["test_is_valid_sample"]


def is_valid_sample(storage, index, cursor, size, history_length=4):
    capacity = len(storage["episode_ends"])
    oldest = cursor if size == capacity else 0
    age = (index - oldest) % capacity
    if age >= size:
        return False
    if storage["episode_ends"][index] and not storage["terminals"][index]:
        return False
    if age < history_length - 1:
        ends = [storage["episode_ends"][(oldest + a) % capacity] for a in range(age)]
        return bool(storage["end_before_oldest"] or any(ends))
    return True
