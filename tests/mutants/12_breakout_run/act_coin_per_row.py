"""act loops over the emulators and tosses each one's coin before drawing a random action only when it
explores: the same distribution of actions, but not the draws of Chapter 6's epsilon_greedy, so the run
differs from the reference's and from the learner's own other functions."""

CAUGHT_BY = ["test_act"]


def act(agent, observations):
    c = agent.config
    epsilon = epsilon_at(agent.step, c.learning_starts, c.epsilon_start, c.epsilon_end, c.epsilon_decay_steps)
    if epsilon >= 1.0:
        values = np.zeros((len(observations), agent.num_actions), dtype=np.float32)
    else:
        values = q_values(agent.online, observations)
    actions = []
    for row in values:
        if agent.rng.random() < epsilon:
            actions.append(int(agent.rng.integers(agent.num_actions)))
        else:
            actions.append(int(row.argmax()))
    return np.array(actions, dtype=np.int64)
