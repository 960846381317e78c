"""build_nature_network returns one flat nn.Sequential of all its layers, as the Chapter 4 network might
have been written, without the named parts scale, features and head: its Q-values are right, but its
weights are stored as 1.weight, 3.weight, ..., so the training code's checkpoints do not load into the
reference network, nor the reference's into it."""

CAUGHT_BY = ["test_build_nature_network"]


def build_nature_network(num_actions, history_length=4):
    return nn.Sequential(
        ScaleFrames(),
        nn.Conv2d(history_length, 32, kernel_size=8, stride=4),
        nn.ReLU(),
        nn.Conv2d(32, 64, kernel_size=4, stride=2),
        nn.ReLU(),
        nn.Conv2d(64, 64, kernel_size=3, stride=1),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(64 * 7 * 7, 512),
        nn.ReLU(),
        nn.Linear(512, num_actions),
    )
