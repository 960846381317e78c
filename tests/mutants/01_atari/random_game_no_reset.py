"""play_random_game forgets env.reset(), because the env "was already reset" when it was made: the
first game happens to start, but the second one starts where the first ended."""

CAUGHT_BY = ["test_play_random_game"]


def play_random_game(env, rng):
    score, steps, done = 0.0, 0, False
    while not done:
        _, reward, terminated, truncated, _ = env.step(int(rng.integers(env.action_space.n)))
        score += reward
        steps += 1
        done = terminated or truncated
    return float(score), steps
