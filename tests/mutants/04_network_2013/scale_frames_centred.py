"""ScaleFrames scales the pixels to [-1, 1] around zero ((pixel - 127.5) / 127.5), a common choice
elsewhere but not this tutorial's [0, 1]: a black screen is -1 instead of 0 and the Q-values differ."""

CAUGHT_BY = ["test_forward"]


class ScaleFrames(nn.Module):
    def forward(self, frames):
        return (frames.float() - 127.5) / 127.5
