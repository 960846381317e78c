"""act writes its own epsilon-greedy with np.random's global generator instead of agent.rng: a run can
no longer be replayed from its seed, and a resumed run does not continue the saved generator."""

CAUGHT_BY = ["test_act"]


def act(agent, observations):
    c = agent.config
    epsilon = epsilon_at(agent.step, c.learning_starts, c.epsilon_start, c.epsilon_end, c.epsilon_decay_steps)
    batch = len(observations)
    if epsilon >= 1.0:
        values = np.zeros((batch, agent.num_actions), dtype=np.float32)
    else:
        values = q_values(agent.online, observations)
    random_actions = np.random.randint(agent.num_actions, size=batch)
    explore = np.random.random(batch) < epsilon
    return np.where(explore, random_actions, values.argmax(axis=1)).astype(np.int64)
