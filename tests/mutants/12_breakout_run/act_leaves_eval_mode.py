"""act switches the network to eval mode to choose the actions, as evaluation code does, and never
switches it back: the network the next update trains is left in eval mode."""

CAUGHT_BY = ["test_act"]


def act(agent, observations):
    c = agent.config
    epsilon = epsilon_at(agent.step, c.learning_starts, c.epsilon_start, c.epsilon_end, c.epsilon_decay_steps)
    agent.online.eval()
    if epsilon >= 1.0:
        values = np.zeros((len(observations), agent.num_actions), dtype=np.float32)
    else:
        values = q_values(agent.online, observations)
    return epsilon_greedy(values, epsilon, agent.rng)
