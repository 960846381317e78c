"""act runs the online network itself on torch.as_tensor(observations), under torch.no_grad(), without
moving the observations to the network's device: right on a CPU, but on a GPU the network gets CPU
tensors and the first greedy step fails."""

import torch

CAUGHT_BY = ["test_act"]


def act(agent, observations):
    c = agent.config
    epsilon = epsilon_at(agent.step, c.learning_starts, c.epsilon_start, c.epsilon_end, c.epsilon_decay_steps)
    if epsilon >= 1.0:
        values = np.zeros((len(observations), agent.num_actions), dtype=np.float32)
    else:
        with torch.no_grad():
            values = agent.online(torch.as_tensor(observations)).float().cpu().numpy()
    return epsilon_greedy(values, epsilon, agent.rng)
