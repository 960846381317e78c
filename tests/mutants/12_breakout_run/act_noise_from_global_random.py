"""act stands in for the Q-values during random play with tiny noise from np.random ("so that argmax does not
always pick action 0"): the actions are the same, all random, but every agent step of random play moves
numpy's global generator, which the run's seed does not control (and other code may rely on)."""

CAUGHT_BY = ["test_act"]


def act(agent, observations):
    c = agent.config
    epsilon = epsilon_at(agent.step, c.learning_starts, c.epsilon_start, c.epsilon_end, c.epsilon_decay_steps)
    if epsilon >= 1.0:
        values = (np.random.random((len(observations), agent.num_actions)) * 1e-6).astype(np.float32)
    else:
        values = q_values(agent.online, observations)
    return epsilon_greedy(values, epsilon, agent.rng)
