"""summarize_scores uses the one-pass textbook formula, variance = (sum of x² - n mean²) / (n - 1): exact
on paper, but in floating point the two large terms cancel, so equal scores give a tiny (or negative,
hence NaN) standard deviation and scores near a million lose every digit of their spread."""

CAUGHT_BY = ["test_summarize_scores"]


def summarize_scores(scores):
    values = np.asarray(scores, dtype=np.float64)
    n = len(values)
    mean = values.sum() / n
    variance = ((values**2).sum() - n * mean**2) / (n - 1)
    std = np.sqrt(variance)
    return float(mean), float(std), float(std / np.sqrt(n))
