"""act runs the network once per emulator, in a Python loop over the observations: the actions are right,
but 16 emulators cost 16 forward passes per agent step instead of one batched pass."""

CAUGHT_BY = ["test_act"]


def act(agent, observations):
    c = agent.config
    epsilon = epsilon_at(agent.step, c.learning_starts, c.epsilon_start, c.epsilon_end, c.epsilon_decay_steps)
    if epsilon >= 1.0:
        values = np.zeros((len(observations), agent.num_actions), dtype=np.float32)
    else:
        values = np.concatenate([q_values(agent.online, observations[i : i + 1]) for i in range(len(observations))])
    return epsilon_greedy(values, epsilon, agent.rng)
