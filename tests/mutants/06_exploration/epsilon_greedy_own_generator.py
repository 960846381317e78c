"""epsilon_greedy creates a generator of its own with a fixed seed instead of using `rng` ("seeded, so it is
reproducible"): every call draws the same numbers, whatever the run's seed, and the random actions of one
step repeat at the next."""

CAUGHT_BY = ["test_epsilon_greedy"]


def epsilon_greedy(q_values, epsilon, rng):
    generator = np.random.default_rng(0)
    batch_size, num_actions = q_values.shape
    greedy_actions = q_values.argmax(axis=1)
    random_actions = generator.integers(0, num_actions, size=batch_size)
    explore = generator.random(batch_size) < epsilon
    return np.where(explore, random_actions, greedy_actions)
