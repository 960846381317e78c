"""q_values loops over the observations and runs the network on each one alone, as the single-observation
code did: the values agree to rounding, but a batch of 16 emulators costs 16 forward passes instead of
one, and convolutions on batches of different sizes need not round exactly alike."""

CAUGHT_BY = ["test_q_values"]


def q_values(network, observations):
    device = next(network.parameters()).device
    rows = []
    with torch.no_grad():
        for observation in observations:
            batch = torch.as_tensor(observation, device=device).unsqueeze(0)
            rows.append(network(batch).float().cpu().numpy()[0])
    return np.stack(rows)
