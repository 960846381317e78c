"""play_evaluation_game clips each reward to [-1, 1] as training does: in Breakout the top bricks are
worth 4 and 7 points and in Space Invaders an alien 5 to 30, so the score is far below the real game
score the papers report (their evaluation never clips)."""

CAUGHT_BY = ["test_play_evaluation_game"]


def play_evaluation_game(network, env, seed, epsilon, rng):
    observation, _ = env.reset(seed=seed)
    score, steps, done = 0.0, 0, False
    while not done:
        action = int(select_actions(network, observation[None], epsilon, rng)[0])
        observation, reward, terminated, truncated, _ = env.step(action)
        score += float(np.clip(reward, -1.0, 1.0))
        steps += 1
        done = terminated or truncated
    return score, steps
