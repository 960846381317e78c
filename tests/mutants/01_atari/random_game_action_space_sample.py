"""play_random_game draws its actions with env.action_space.sample(), the usual gymnasium idiom, and
ignores the `rng` it is given: the actions come from the environment's own generator, so the caller's
seed no longer decides the game."""

CAUGHT_BY = ["test_play_random_game"]


def play_random_game(env, rng):
    env.reset()
    score, steps, done = 0.0, 0, False
    while not done:
        _, reward, terminated, truncated, _ = env.step(env.action_space.sample())
        score += reward
        steps += 1
        done = terminated or truncated
    return float(score), steps
