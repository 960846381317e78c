"""q_values converts the observations with torch.from_numpy, which only takes numpy arrays: the plain
engine's numpy stacks work, but the fast engine's stacks, already torch tensors on the GPU, make it
raise a TypeError."""

CAUGHT_BY = ["test_q_values"]


def q_values(network, observations):
    device = next(network.parameters()).device
    batch = torch.from_numpy(observations).to(device)
    with torch.no_grad():
        values = network(batch)
    return values.float().cpu().numpy()
