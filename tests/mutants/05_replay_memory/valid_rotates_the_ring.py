"""is_valid_sample rotates the flags in place so that the oldest slot comes first (storage[name][:] =
np.roll(...)), to work with ages instead of slots: each answer is right, but the live storage is
rotated at every call, so the memory's flags no longer sit in the slots of their transitions."""

CAUGHT_BY = ["test_is_valid_sample"]


def is_valid_sample(storage, index, cursor, size, history_length=4):
    capacity = len(storage["episode_ends"])
    oldest = cursor if size == capacity else 0
    for name in ("terminals", "episode_ends"):
        storage[name][:] = np.roll(storage[name], -oldest)  # the oldest slot first
    age = (index - oldest) % capacity
    if age >= size - 1:
        return False
    if storage["episode_ends"][age] and not storage["terminals"][age]:
        return False
    if age < history_length - 1:
        return bool(storage["end_before_oldest"] or storage["episode_ends"][:age].any())
    return True
