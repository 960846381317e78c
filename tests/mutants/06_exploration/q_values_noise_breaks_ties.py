"""q_values adds a tiny random noise to the Q-values "to break ties at random": every value is within 1e-6
of the network's, but two identical calls now give different Q-values, so a seed no longer reproduces a
run (and the noise comes from torch's global generator)."""

CAUGHT_BY = ["test_q_values"]


def q_values(network, observations):
    device = next(network.parameters()).device
    batch = torch.as_tensor(observations, device=device)
    with torch.no_grad():
        values = network(batch).float()
        values = values + 1e-6 * torch.rand_like(values)
    return values.cpu().numpy()
