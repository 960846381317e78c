"""sync_target makes a fresh copy and assigns it to its local name `target`: the caller's target network
is untouched, so it is never refreshed (a Python name, not the object, was rebound)."""

CAUGHT_BY = ["test_sync_target"]


def sync_target(target, online):
    target = make_target_network(online)
