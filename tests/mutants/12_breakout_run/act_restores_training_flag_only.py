"""act switches the network to eval mode for acting and "restores" it by setting agent.online.training = True:
that flag is the top module's only, every layer inside stays in eval mode, so dropout or batch norm
layers would train in the wrong mode."""

CAUGHT_BY = ["test_act"]


def act(agent, observations):
    c = agent.config
    epsilon = epsilon_at(agent.step, c.learning_starts, c.epsilon_start, c.epsilon_end, c.epsilon_decay_steps)
    if epsilon >= 1.0:
        values = np.zeros((len(observations), agent.num_actions), dtype=np.float32)
    else:
        agent.online.eval()
        values = q_values(agent.online, observations)
        agent.online.training = True
    return epsilon_greedy(values, epsilon, agent.rng)
