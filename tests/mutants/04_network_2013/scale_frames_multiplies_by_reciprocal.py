"""ScaleFrames multiplies by 1/255 instead of dividing by 255: mathematically the same, but 126 of the
256 pixel values round to another float32 in their last bit, so a run with this layer does not repeat
the reference run bit for bit."""

CAUGHT_BY = ["test_forward", "test_build_dqn2013_network"]


class ScaleFrames(nn.Module):
    def forward(self, frames):
        return frames.float() * (1.0 / 255.0)
