"""q_values returns the network's output tensor instead of a numpy array: epsilon_greedy's argmax(axis=1)
then runs on a tensor (and, on a GPU, on a tensor that is not even on the CPU)."""

CAUGHT_BY = ["test_q_values"]


def q_values(network, observations):
    device = next(network.parameters()).device
    batch = torch.as_tensor(observations, device=device)
    with torch.no_grad():
        return network(batch).float()
