"""act converts the actions to int32 to save memory: the replay memory and the update index Q-values
with int64 actions, and the reference loop returns int64."""

CAUGHT_BY = ["test_act"]


def act(agent, observations):
    c = agent.config
    epsilon = epsilon_at(agent.step, c.learning_starts, c.epsilon_start, c.epsilon_end, c.epsilon_decay_steps)
    if epsilon >= 1.0:
        values = np.zeros((len(observations), agent.num_actions), dtype=np.float32)
    else:
        values = q_values(agent.online, observations)
    return epsilon_greedy(values, epsilon, agent.rng).astype(np.int32)
