"""summarize_scores returns the sample variance where the standard deviation belongs (the square root is
forgotten): in squared points, far too large for spread-out scores and too small for scores below 1."""

CAUGHT_BY = ["test_summarize_scores"]


def summarize_scores(scores):
    values = np.asarray(scores, dtype=np.float64)
    variance = values.var(ddof=1)
    return float(values.mean()), float(variance), float(variance / np.sqrt(len(values)))
