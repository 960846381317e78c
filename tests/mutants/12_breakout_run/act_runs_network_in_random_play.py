"""act always runs the network, also while epsilon is 1 and every action is random whatever the
Q-values: the same actions, but 50,000 useless forward passes of the Nature network before learning starts."""

CAUGHT_BY = ["test_act"]


def act(agent, observations):
    c = agent.config
    epsilon = epsilon_at(agent.step, c.learning_starts, c.epsilon_start, c.epsilon_end, c.epsilon_decay_steps)
    return epsilon_greedy(q_values(agent.online, observations), epsilon, agent.rng)
