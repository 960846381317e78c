"""summarize_scores uses numpy's default standard deviation (ddof=0, divide by n) instead of the
sample standard deviation (divide by n - 1): too small, most visibly for a few games."""

CAUGHT_BY = ["test_summarize_scores"]


def summarize_scores(scores):
    values = np.asarray(scores, dtype=np.float64)
    std = values.std()
    return float(values.mean()), float(std), float(std / np.sqrt(len(values)))
