"""epsilon_greedy flips the coins before drawing the random actions: the probabilities are right, but the
same seed gives other actions than the reference's, so a training run with this function can never
equal the reference run (the contract fixes the order of the draws)."""

CAUGHT_BY = ["test_epsilon_greedy"]


def epsilon_greedy(q_values, epsilon, rng):
    batch_size, num_actions = q_values.shape
    explore = rng.random(batch_size) < epsilon
    random_actions = rng.integers(0, num_actions, size=batch_size)
    return np.where(explore, random_actions, q_values.argmax(axis=1))
