"""epsilon_greedy explores among the non-greedy actions only ("exploring means trying something
else"): the greedy action then has probability 1 - epsilon instead of 1 - epsilon + epsilon / n,
which is not the papers' epsilon-greedy."""

CAUGHT_BY = ["test_epsilon_greedy"]


def epsilon_greedy(q_values, epsilon, rng):
    batch_size, num_actions = q_values.shape
    greedy_actions = q_values.argmax(axis=1)
    others = rng.integers(1, num_actions, size=batch_size)
    random_actions = (greedy_actions + others) % num_actions
    explore = rng.random(batch_size) < epsilon
    return np.where(explore, random_actions, greedy_actions)
