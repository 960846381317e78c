"""act anneals epsilon from agent step 0 with linear_epsilon(agent.step, ...), forgetting that the
schedule starts when learning starts: with the Nature settings epsilon is already 0.955 when the first
update is made and reaches 0.1 50,000 steps too early."""

from dqn_tutorial.schedules import linear_epsilon

CAUGHT_BY = ["test_act"]


def act(agent, observations):
    c = agent.config
    epsilon = linear_epsilon(agent.step, c.epsilon_start, c.epsilon_end, c.epsilon_decay_steps)
    if epsilon >= 1.0:
        values = np.zeros((len(observations), agent.num_actions), dtype=np.float32)
    else:
        values = q_values(agent.online, observations)
    return epsilon_greedy(values, epsilon, agent.rng)
