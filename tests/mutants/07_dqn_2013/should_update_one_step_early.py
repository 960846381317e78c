"""should_update uses >= instead of >: it updates at step learning_starts itself, one step early (with
update_every = 1), before the random-play phase has finished."""

CAUGHT_BY = ["test_should_update"]


def should_update(step, learning_starts, update_every):
    return step >= learning_starts and (step - learning_starts) % update_every == 0
