"""summarize_scores divides the standard deviation by n instead of sqrt(n) for the standard error:
the mean then looks far more precise than it is."""

CAUGHT_BY = ["test_summarize_scores"]


def summarize_scores(scores):
    values = np.asarray(scores, dtype=np.float64)
    std = values.std(ddof=1)
    return float(values.mean()), float(std), float(std / len(values))
