"""greedy_action runs the network without torch.no_grad(): the action is right, but every step builds
an autograd graph nobody backpropagates through (time and memory wasted at every agent step)."""

CAUGHT_BY = ["test_greedy_action"]


def greedy_action(network, observation):
    batch = torch.as_tensor(observation).unsqueeze(0)
    q_values = network(batch)
    return int(q_values.argmax().item())
