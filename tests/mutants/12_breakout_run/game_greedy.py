"""play_evaluation_game plays greedily (epsilon = 0) whatever epsilon it is given: the Nature protocol
plays with epsilon = 0.05, and a purely greedy untrained agent can stall forever without pressing FIRE."""

CAUGHT_BY = ["test_play_evaluation_game"]


def play_evaluation_game(network, env, seed, epsilon, rng):
    observation, _ = env.reset(seed=seed)
    score, steps, done = 0.0, 0, False
    while not done:
        action = int(select_actions(network, observation[None], 0.0, rng)[0])
        observation, reward, terminated, truncated, _ = env.step(action)
        score += float(reward)
        steps += 1
        done = terminated or truncated
    return score, steps
