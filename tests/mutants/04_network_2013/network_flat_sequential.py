"""build_dqn2013_network returns one flat nn.Sequential of all the layers, without the named parts scale,
features and head: it computes the right Q-values, but its weights are stored as 1.weight, 3.weight, ...
instead of features.0.weight, ..., so the checkpoints the training code saves do not load into the
reference network, and the reference's checkpoints do not load into it."""

CAUGHT_BY = ["test_build_dqn2013_network"]


def build_dqn2013_network(num_actions, history_length=4):
    return nn.Sequential(
        ScaleFrames(),
        nn.Conv2d(history_length, 16, kernel_size=8, stride=4),
        nn.ReLU(),
        nn.Conv2d(16, 32, kernel_size=4, stride=2),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(32 * 9 * 9, 256),
        nn.ReLU(),
        nn.Linear(256, num_actions),
    )
