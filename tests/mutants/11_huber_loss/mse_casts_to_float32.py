"""mse_loss converts the TD errors to float32 first (`td_error.float()`, "networks work in float32"): the
value is right for float32 errors, but a float64 TD error gives a float32 loss, not a loss of its own
dtype."""

CAUGHT_BY = ["test_mse_loss"]


def mse_loss(td_error):
    return (0.5 * td_error.float() ** 2).mean()
