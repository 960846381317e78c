"""play_random_game draws its actions from numpy's global generator instead of the `rng` it is given:
the game looks random enough, but a seed no longer reproduces it."""

CAUGHT_BY = ["test_play_random_game"]


def play_random_game(env, rng):
    env.reset()
    score, steps, done = 0.0, 0, False
    while not done:
        _, reward, terminated, truncated, _ = env.step(int(np.random.randint(env.action_space.n)))
        score += reward
        steps += 1
        done = terminated or truncated
    return float(score), steps
