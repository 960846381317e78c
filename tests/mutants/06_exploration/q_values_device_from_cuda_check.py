"""q_values picks the device with torch.cuda.is_available() instead of asking the network where its
parameters are: right on a GPU machine whose network is on the GPU, wrong for a network on any other
device (the observations end up on another device than the weights)."""

CAUGHT_BY = ["test_q_values"]


def q_values(network, observations):
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    batch = torch.as_tensor(observations, device=device)
    with torch.no_grad():
        return network(batch).float().cpu().numpy()
