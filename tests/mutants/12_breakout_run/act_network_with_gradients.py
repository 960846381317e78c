"""act runs the online network itself, without torch.no_grad(), and detaches the result: the actions are
right, but every agent step builds an autograd graph it throws away (slower, and more memory)."""

import torch

CAUGHT_BY = ["test_act"]


def act(agent, observations):
    c = agent.config
    epsilon = epsilon_at(agent.step, c.learning_starts, c.epsilon_start, c.epsilon_end, c.epsilon_decay_steps)
    if epsilon >= 1.0:
        values = np.zeros((len(observations), agent.num_actions), dtype=np.float32)
    else:
        values = agent.online(torch.as_tensor(observations)).detach().float().numpy()
    return epsilon_greedy(values, epsilon, agent.rng)
