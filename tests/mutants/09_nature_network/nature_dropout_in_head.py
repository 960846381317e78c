"""build_nature_network adds an nn.Dropout after the hidden fully connected layer, a habit from image
classifiers: the network is no longer the paper's, and in training mode its Q-values are random, so the
greedy action and the TD targets change from one call to the next."""

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
                    nn.Sequential(nn.Linear(64 * 7 * 7, 512), nn.ReLU(), nn.Dropout(0.1), nn.Linear(512, num_actions)),
                ),
            ]
        )
    )
