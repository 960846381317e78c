"""build_dqn2013_network returns its own nn.Module whose forward adds dropout between the features and the
head "to regularise" (F.dropout is on by default): the layers and the initial weights are the paper's,
but the Q-values are random, so the greedy action and the TD targets change from one call to the next."""

CAUGHT_BY = ["test_build_dqn2013_network"]


def build_dqn2013_network(num_actions, history_length=4):
    import torch.nn.functional as F

    class DQN2013(nn.Module):
        def __init__(self):
            super().__init__()
            size = conv_output_size(conv_output_size(84, 8, 4), 4, 2)
            self.scale = ScaleFrames()
            self.features = nn.Sequential(
                nn.Conv2d(history_length, 16, kernel_size=8, stride=4),
                nn.ReLU(),
                nn.Conv2d(16, 32, kernel_size=4, stride=2),
                nn.ReLU(),
                nn.Flatten(),
            )
            self.head = nn.Sequential(nn.Linear(32 * size * size, 256), nn.ReLU(), nn.Linear(256, num_actions))

        def forward(self, frames):
            return self.head(F.dropout(self.features(self.scale(frames)), p=0.1))

    return DQN2013()
