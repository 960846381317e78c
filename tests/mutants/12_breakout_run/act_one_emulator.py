"""act is written for a single emulator: it returns the first action as a Python int, which breaks as
soon as the loop plays several emulators (the memory and the emulators expect one action per emulator)."""

CAUGHT_BY = ["test_act"]


def act(agent, observations):
    c = agent.config
    epsilon = epsilon_at(agent.step, c.learning_starts, c.epsilon_start, c.epsilon_end, c.epsilon_decay_steps)
    if epsilon >= 1.0:
        values = np.zeros((len(observations), agent.num_actions), dtype=np.float32)
    else:
        values = q_values(agent.online, observations)
    return int(epsilon_greedy(values, epsilon, agent.rng)[0])
