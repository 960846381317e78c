"""build_dqn2013_network creates the fully connected head before the convolutions and assembles the parts
afterwards: the network is the paper's, but its layers draw their initial weights from torch's generator
in another order, so it starts from other weights than the reference's, and a training run with it
does not repeat the reference run."""

CAUGHT_BY = ["test_build_dqn2013_network"]


def build_dqn2013_network(num_actions, history_length=4):
    head = nn.Sequential(nn.Linear(32 * 9 * 9, 256), nn.ReLU(), nn.Linear(256, num_actions))
    features = nn.Sequential(
        nn.Conv2d(history_length, 16, kernel_size=8, stride=4),
        nn.ReLU(),
        nn.Conv2d(16, 32, kernel_size=4, stride=2),
        nn.ReLU(),
        nn.Flatten(),
    )
    return nn.Sequential(OrderedDict([("scale", ScaleFrames()), ("features", features), ("head", head)]))
