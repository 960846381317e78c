"""play_evaluation_game reports emulator frames (4 per agent step with action repeat 4) where the
contract asks for agent steps: the steps-vs-frames confusion of the papers' tables."""

CAUGHT_BY = ["test_play_evaluation_game"]


def play_evaluation_game(network, env, seed, epsilon, rng):
    observation, _ = env.reset(seed=seed)
    score, steps, done = 0.0, 0, False
    while not done:
        action = int(select_actions(network, observation[None], epsilon, rng)[0])
        observation, reward, terminated, truncated, _ = env.step(action)
        score += float(reward)
        steps += 4
        done = terminated or truncated
    return score, steps
