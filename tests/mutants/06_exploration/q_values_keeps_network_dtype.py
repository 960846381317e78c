"""q_values returns the network's output in whatever dtype it has: float32 for the plain networks, but
float16 under mixed precision, where the contract (and epsilon_greedy's callers) expect float32."""

CAUGHT_BY = ["test_q_values"]


def q_values(network, observations):
    device = next(network.parameters()).device
    batch = torch.as_tensor(observations, device=device)
    with torch.no_grad():
        values = network(batch)
    return values.cpu().numpy()
