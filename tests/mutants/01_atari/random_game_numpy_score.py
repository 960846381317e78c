"""play_random_game collects the rewards in a list and returns np.sum(rewards): the value is right, but
it is a numpy.float64, not the Python float the contract asks for."""

CAUGHT_BY = ["test_play_random_game"]


def play_random_game(env, rng):
    env.reset()
    rewards, done = [], False
    while not done:
        _, reward, terminated, truncated, _ = env.step(int(rng.integers(env.action_space.n)))
        rewards.append(reward)
        done = terminated or truncated
    return np.sum(rewards), len(rewards)
