"""sync_target copies the `weight` of every Conv2d and Linear layer but not the biases: the copy looks
complete when one thinks of a layer as its weight matrix, yet the target then computes something the
online network never did."""

CAUGHT_BY = ["test_sync_target"]


def sync_target(target, online):
    with torch.no_grad():
        for target_layer, online_layer in zip(target.modules(), online.modules()):
            if isinstance(online_layer, (torch.nn.Conv2d, torch.nn.Linear)):
                target_layer.weight.copy_(online_layer.weight)
