"""play_random_game clips each reward to its sign, as the learner does for training: the result is the
number of rewarded steps, not the game's score (a Space Invaders invader is worth 5 to 30 points)."""

CAUGHT_BY = ["test_play_random_game"]


def play_random_game(env, rng):
    env.reset()
    score, steps, done = 0.0, 0, False
    while not done:
        _, reward, terminated, truncated, _ = env.step(int(rng.integers(env.action_space.n)))
        score += float(np.sign(reward))
        steps += 1
        done = terminated or truncated
    return score, steps
