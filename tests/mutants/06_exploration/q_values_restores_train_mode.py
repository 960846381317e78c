"""q_values switches the network to eval mode and back to train mode afterwards: fine during training, but
a network that was in eval mode (during an evaluation) comes back in train mode; the previous mode
was not restored, a fixed one was set."""

CAUGHT_BY = ["test_q_values"]


def q_values(network, observations):
    network.eval()
    device = next(network.parameters()).device
    batch = torch.as_tensor(observations, device=device)
    with torch.no_grad():
        values = network(batch).float().cpu().numpy()
    network.train()
    return values
