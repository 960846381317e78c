"""epsilon_greedy saves the draws it does not need: with epsilon 0 it returns the argmax at once, and it
draws random actions only for the rows that explore. Each call is right, but the generator is left in
another state than the contract's, so every later draw of the run differs from the reference's."""

CAUGHT_BY = ["test_epsilon_greedy"]


def epsilon_greedy(q_values, epsilon, rng):
    batch_size, num_actions = q_values.shape
    actions = q_values.argmax(axis=1)
    if epsilon <= 0:
        return actions
    explore = rng.random(batch_size) < epsilon
    actions[explore] = rng.integers(0, num_actions, size=int(explore.sum()))
    return actions
