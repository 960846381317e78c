"""epsilon_greedy returns the actions as uint8 ("18 actions fit in a byte"): the values are right, but
the contract says int64, and torch's gather refuses uint8 indices when the actions index Q-values."""

CAUGHT_BY = ["test_epsilon_greedy"]


def epsilon_greedy(q_values, epsilon, rng):
    batch_size, num_actions = q_values.shape
    greedy_actions = q_values.argmax(axis=1)
    random_actions = rng.integers(0, num_actions, size=batch_size)
    explore = rng.random(batch_size) < epsilon
    return np.where(explore, random_actions, greedy_actions).astype(np.uint8)
