"""play_evaluation_game stops when the first life is lost, confusing the training rule (a lost life is
a terminal for the TD target) with the end of a game: the score is that of one life out of five."""

CAUGHT_BY = ["test_play_evaluation_game"]


def play_evaluation_game(network, env, seed, epsilon, rng):
    observation, info = env.reset(seed=seed)
    lives = info.get("lives")
    score, steps, done = 0.0, 0, False
    while not done:
        action = int(select_actions(network, observation[None], epsilon, rng)[0])
        observation, reward, terminated, truncated, info = env.step(action)
        score += float(reward)
        steps += 1
        done = terminated or truncated or (lives is not None and info.get("lives", lives) < lives)
    return score, steps
