"""epsilon_greedy flips one coin for the whole batch instead of one per row: either every row
explores or none does (the single-environment version of the code, copied into the batched one)."""

CAUGHT_BY = ["test_epsilon_greedy"]


def epsilon_greedy(q_values, epsilon, rng):
    batch_size, num_actions = q_values.shape
    if rng.random() < epsilon:
        return rng.integers(0, num_actions, size=batch_size)
    return q_values.argmax(axis=1)
