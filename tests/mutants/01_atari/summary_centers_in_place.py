"""summarize_scores subtracts the mean in place (values -= mean) after np.asarray(scores, dtype=float64):
for a list that is a new array, but for a float64 array np.asarray returns the caller's own array,
whose scores are then replaced by their deviations."""

CAUGHT_BY = ["test_summarize_scores"]


def summarize_scores(scores):
    values = np.asarray(scores, dtype=np.float64)
    n = len(values)
    mean = values.mean()
    values -= mean
    std = np.sqrt((values**2).sum() / (n - 1))
    return float(mean), float(std), float(std / np.sqrt(n))
