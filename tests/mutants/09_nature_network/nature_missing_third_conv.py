"""build_nature_network widens the 2013 network (32 and 64 filters, fc 512) but forgets the third
convolution (64 3x3 stride 1): the flatten size becomes 64 x 9 x 9 and the network is not the paper's."""

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
                        nn.Flatten(),
                    ),
                ),
                (
                    "head",
                    nn.Sequential(
                        nn.Linear(64 * 9 * 9, 512),
                        nn.ReLU(),
                        nn.Linear(512, num_actions),
                    ),
                ),
            ]
        )
    )
