"""q_values standardises float observations in place before the forward pass (`batch -= ...`): the
tensor from torch.as_tensor shares memory with the caller's numpy array, so the caller's observations
(those the replay memory stores) are overwritten; the Q-values differ too."""

CAUGHT_BY = ["test_q_values"]


def q_values(network, observations):
    device = next(network.parameters()).device
    batch = torch.as_tensor(observations, device=device)
    if batch.is_floating_point():
        batch -= batch.mean()
    with torch.no_grad():
        return network(batch).float().cpu().numpy()
