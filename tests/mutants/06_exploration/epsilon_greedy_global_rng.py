"""epsilon_greedy ignores its `rng` argument and draws from numpy's global generator (np.random.*):
the statistics are right, but a seed no longer reproduces a run."""

CAUGHT_BY = ["test_epsilon_greedy"]


def epsilon_greedy(q_values, epsilon, rng):
    batch_size, num_actions = q_values.shape
    greedy_actions = q_values.argmax(axis=1)
    random_actions = np.random.randint(0, num_actions, size=batch_size)
    explore = np.random.random(batch_size) < epsilon
    return np.where(explore, random_actions, greedy_actions)
