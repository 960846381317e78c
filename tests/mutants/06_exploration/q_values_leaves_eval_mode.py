"""q_values calls network.eval() before acting ("inference mode") and never switches back: the values are
right, but the online network is left in eval mode for the whole of training (with dropout or batch
norm, it would then learn in the wrong mode)."""

CAUGHT_BY = ["test_q_values"]


def q_values(network, observations):
    network.eval()
    device = next(network.parameters()).device
    batch = torch.as_tensor(observations, device=device)
    with torch.no_grad():
        return network(batch).float().cpu().numpy()
