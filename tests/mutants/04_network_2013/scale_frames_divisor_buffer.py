"""ScaleFrames keeps 255 in a registered buffer: the values are right, but the buffer becomes an entry
(scale.divisor) of every checkpoint, which the reference network does not have and cannot load."""

CAUGHT_BY = ["test_forward", "test_build_dqn2013_network"]


class ScaleFrames(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("divisor", torch.tensor(255.0))

    def forward(self, frames):
        return frames.float() / self.divisor
