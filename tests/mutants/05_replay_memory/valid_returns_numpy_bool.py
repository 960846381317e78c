"""is_valid_sample returns the result of np.any (and the flags of the storage arrays) as they are: the
answers are right, but they are numpy.bool_, not the Python bool the contract asks for (`is True`
comparisons fail on them, and json refuses them)."""

CAUGHT_BY = ["test_is_valid_sample"]


def is_valid_sample(storage, index, cursor, size, history_length=4):
    capacity = len(storage["episode_ends"])
    oldest = cursor if size == capacity else 0
    age = (index - oldest) % capacity
    if age >= size - 1:
        return False
    truncated = storage["episode_ends"][index] & ~storage["terminals"][index]
    if age < history_length - 1:
        ends = [storage["episode_ends"][(oldest + a) % capacity] for a in range(age)]
        return ~truncated & (storage["end_before_oldest"] | np.any(ends))
    return ~truncated
