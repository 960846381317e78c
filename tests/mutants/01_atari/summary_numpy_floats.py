"""summarize_scores returns numpy's results as they come (values.mean(), values.std(ddof=1), ...): the
numbers are right, but they are numpy.float64, not the Python floats the contract asks for."""

CAUGHT_BY = ["test_summarize_scores"]


def summarize_scores(scores):
    values = np.asarray(scores, dtype=np.float64)
    std = values.std(ddof=1)
    return values.mean(), std, std / np.sqrt(len(values))
