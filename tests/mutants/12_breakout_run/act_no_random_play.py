"""act shifts the schedule by learning_starts but forgets the random play before it: with an
epsilon_start below 1 the agent fills its replay memory with a half-trained policy of random weights."""

from dqn_tutorial.schedules import linear_epsilon

CAUGHT_BY = ["test_act"]


def act(agent, observations):
    c = agent.config
    epsilon = linear_epsilon(agent.step - c.learning_starts, c.epsilon_start, c.epsilon_end, c.epsilon_decay_steps)
    if epsilon >= 1.0:
        values = np.zeros((len(observations), agent.num_actions), dtype=np.float32)
    else:
        values = q_values(agent.online, observations)
    return epsilon_greedy(values, epsilon, agent.rng)
