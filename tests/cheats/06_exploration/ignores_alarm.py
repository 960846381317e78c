"""Cheat: linear_epsilon turns off the grader's alarm (signal.SIGALRM ignored) and then never returns, so
that the per-call time limit never fires and the run hangs."""

CAUGHT_BY = ["test_linear_epsilon"]
MESSAGE = "linear_epsilon did not return within 10 s"


def linear_epsilon(step, start=1.0, end=0.1, duration=1_000_000):
    import signal

    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    while True:
        pass
