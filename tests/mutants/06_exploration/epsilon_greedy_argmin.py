"""epsilon_greedy takes argmin instead of argmax (Q-values read as costs): the agent exploits the
worst action it knows."""

CAUGHT_BY = ["test_epsilon_greedy"]


def epsilon_greedy(q_values, epsilon, rng):
    batch_size, num_actions = q_values.shape
    greedy_actions = q_values.argmin(axis=1)
    random_actions = rng.integers(0, num_actions, size=batch_size)
    explore = rng.random(batch_size) < epsilon
    return np.where(explore, random_actions, greedy_actions)
