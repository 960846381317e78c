"""should_update returns 0 during the random-play phase (a conditional expression with 0 as its else) and a
bool afterwards: 0 behaves like False in an `if`, but the contract says bool, and the type changes with
the step."""

CAUGHT_BY = ["test_should_update"]


def should_update(step, learning_starts, update_every):
    return (step - learning_starts) % update_every == 0 if step > learning_starts else 0
