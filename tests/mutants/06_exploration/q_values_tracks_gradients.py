"""q_values runs the network with gradients on and detaches afterwards (numpy() refuses a tensor that
requires grad, and .detach() silences it): the numbers are right, but every agent step builds an
autograd graph that nobody backpropagates through, time and memory wasted millions of times."""

CAUGHT_BY = ["test_q_values"]


def q_values(network, observations):
    device = next(network.parameters()).device
    batch = torch.as_tensor(observations, device=device)
    return network(batch).detach().float().cpu().numpy()
