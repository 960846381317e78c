"""q_values adds a batch dimension of one (unsqueeze(0)), as one does for a single observation: the
observations are already a batch, so the network sees (1, batch, ...) and either fails (the MLP cannot
multiply a (1, 4 * batch) input) or, for a batch of one stack, returns Q-values of the wrong shape."""

CAUGHT_BY = ["test_q_values"]


def q_values(network, observations):
    device = next(network.parameters()).device
    batch = torch.as_tensor(observations, device=device).unsqueeze(0)
    with torch.no_grad():
        values = network(batch)
    return values.float().cpu().numpy()
