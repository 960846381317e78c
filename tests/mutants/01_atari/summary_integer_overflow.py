"""summarize_scores uses the one-pass formula (sum of x² - n mean²) / (n - 1) on the scores as they come
(np.asarray(scores), no dtype=float): for an int32 array of large scores the squares x * x wrap around
past 2**31, and the standard deviation comes out wrong, or NaN."""

CAUGHT_BY = ["test_summarize_scores"]


def summarize_scores(scores):
    values = np.asarray(scores)
    n = len(values)
    mean = values.sum() / n
    variance = (np.sum(values * values) - n * mean**2) / (n - 1)
    std = np.sqrt(variance)
    return float(mean), float(std), float(std / np.sqrt(n))
