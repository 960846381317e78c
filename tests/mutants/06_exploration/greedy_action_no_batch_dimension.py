"""greedy_action passes the single observation to the network without adding a batch dimension:
the Conv2d layers accept an unbatched (4, 84, 84) input, but the layers after them then see the
wrong shape (and the MLP gets a (4,) vector it cannot flatten)."""

CAUGHT_BY = ["test_greedy_action"]


def greedy_action(network, observation):
    with torch.no_grad():
        q_values = network(torch.as_tensor(observation))
    return int(q_values.argmax().item())
