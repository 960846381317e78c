"""build_nature_network keeps the 2013 paper's fully connected layer of 256 units instead of the Nature
paper's 512: the network runs, but has about 0.8M parameters fewer than the paper's."""

CAUGHT_BY = ["test_build_nature_network"]


def build_nature_network(num_actions, history_length=4):
    return nn.Sequential(
        OrderedDict(
            [
                ("scale", ScaleFrames()),
                (
                    "features",
                    nn.Sequential(
                        nn.Conv2d(history_length, 32, kernel_size=8, stride=4),
                        nn.ReLU(),
                        nn.Conv2d(32, 64, kernel_size=4, stride=2),
                        nn.ReLU(),
                        nn.Conv2d(64, 64, kernel_size=3, stride=1),
                        nn.ReLU(),
                        nn.Flatten(),
                    ),
                ),
                (
                    "head",
                    nn.Sequential(
                        nn.Linear(64 * 7 * 7, 256),
                        nn.ReLU(),
                        nn.Linear(256, num_actions),
                    ),
                ),
            ]
        )
    )
