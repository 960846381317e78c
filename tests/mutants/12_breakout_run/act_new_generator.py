"""act passes a fresh np.random.default_rng() to epsilon_greedy instead of the agent's generator: every
step draws from an unseeded generator, so no two runs with the same seed are alike."""

CAUGHT_BY = ["test_act"]


def act(agent, observations):
    c = agent.config
    epsilon = epsilon_at(agent.step, c.learning_starts, c.epsilon_start, c.epsilon_end, c.epsilon_decay_steps)
    if epsilon >= 1.0:
        values = np.zeros((len(observations), agent.num_actions), dtype=np.float32)
    else:
        values = q_values(agent.online, observations)
    return epsilon_greedy(values, epsilon, np.random.default_rng())
