"""build_nature_network returns its own nn.Module whose forward applies F.dropout to the features (dropout
"for regularisation"; F.dropout is on unless told otherwise): the layers and the initial weights are the
paper's, but two calls on the same frames give different Q-values."""

CAUGHT_BY = ["test_build_nature_network"]


def build_nature_network(num_actions, history_length=4):
    import torch.nn.functional as F

    class NatureDQN(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = ScaleFrames()
            self.features = nn.Sequential(
                nn.Conv2d(history_length, 32, kernel_size=8, stride=4),
                nn.ReLU(),
                nn.Conv2d(32, 64, kernel_size=4, stride=2),
                nn.ReLU(),
                nn.Conv2d(64, 64, kernel_size=3, stride=1),
                nn.ReLU(),
                nn.Flatten(),
            )
            self.head = nn.Sequential(nn.Linear(64 * 7 * 7, 512), nn.ReLU(), nn.Linear(512, num_actions))

        def forward(self, frames):
            return self.head(F.dropout(self.features(self.scale(frames)), p=0.05))

    return NatureDQN()
