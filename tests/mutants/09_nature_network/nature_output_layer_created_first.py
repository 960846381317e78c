"""build_nature_network creates the output layer first (it depends only on num_actions) and the rest
afterwards: the layers are the paper's, but they draw their initial weights from torch's generator in
another order, so the network starts from other weights than the reference's, and a training run with
it does not repeat the reference run."""

CAUGHT_BY = ["test_build_nature_network"]


def build_nature_network(num_actions, history_length=4):
    output = nn.Linear(512, num_actions)
    features = nn.Sequential(
        nn.Conv2d(history_length, 32, kernel_size=8, stride=4),
        nn.ReLU(),
        nn.Conv2d(32, 64, kernel_size=4, stride=2),
        nn.ReLU(),
        nn.Conv2d(64, 64, kernel_size=3, stride=1),
        nn.ReLU(),
        nn.Flatten(),
    )
    head = nn.Sequential(nn.Linear(64 * 7 * 7, 512), nn.ReLU(), output)
    return nn.Sequential(OrderedDict([("scale", ScaleFrames()), ("features", features), ("head", head)]))
