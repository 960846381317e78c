"""build_nature_network gives the second convolution stride 1 instead of 2 (copying the third layer's
stride), and then "fixes" the shape error by flattening 64 x 15 x 15: the network runs, with a
7.4M-weight fully connected layer and a smaller receptive field."""

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
                        nn.Conv2d(32, 64, kernel_size=4, stride=1),
                        nn.ReLU(),
                        nn.Conv2d(64, 64, kernel_size=3, stride=1),
                        nn.ReLU(),
                        nn.Flatten(),
                    ),
                ),
                (
                    "head",
                    nn.Sequential(
                        nn.Linear(64 * 15 * 15, 512),
                        nn.ReLU(),
                        nn.Linear(512, num_actions),
                    ),
                ),
            ]
        )
    )
