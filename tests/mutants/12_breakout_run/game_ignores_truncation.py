"""play_evaluation_game stops only when the game is over (terminated) and ignores truncated, so the
5-minute cap of the protocol is never applied and a game that never ends runs forever."""

CAUGHT_BY = ["test_play_evaluation_game"]


def play_evaluation_game(network, env, seed, epsilon, rng):
    observation, _ = env.reset(seed=seed)
    score, steps, terminated = 0.0, 0, False
    while not terminated and steps < 20_000:
        action = int(select_actions(network, observation[None], epsilon, rng)[0])
        observation, reward, terminated, truncated, _ = env.step(action)
        score += float(reward)
        steps += 1
    return score, steps
