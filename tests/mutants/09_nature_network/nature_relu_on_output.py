"""build_nature_network puts a ReLU after the output layer too ("every layer is followed by a ReLU"):
Q-values can then never be negative, although with rewards of -1 or a discount they often are."""

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
                        nn.Linear(64 * 7 * 7, 512),
                        nn.ReLU(),
                        nn.Linear(512, num_actions),
                        nn.ReLU(),
                    ),
                ),
            ]
        )
    )
