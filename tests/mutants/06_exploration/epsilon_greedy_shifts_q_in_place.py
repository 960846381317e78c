"""epsilon_greedy subtracts each row's maximum from the Q-values in place ("normalise, so the greedy value is
0"): the argmax does not change, but the caller's Q-values are overwritten (`-=` writes into the array it
was given)."""

CAUGHT_BY = ["test_epsilon_greedy"]


def epsilon_greedy(q_values, epsilon, rng):
    batch_size, num_actions = q_values.shape
    q_values -= q_values.max(axis=1, keepdims=True)
    greedy_actions = q_values.argmax(axis=1)
    random_actions = rng.integers(0, num_actions, size=batch_size)
    explore = rng.random(batch_size) < epsilon
    return np.where(explore, random_actions, greedy_actions)
