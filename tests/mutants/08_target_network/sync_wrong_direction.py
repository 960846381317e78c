"""sync_target copies in the wrong direction (online <- target): the online network is thrown back to the
old weights every C steps and the agent forgets everything it learned since the last sync."""

CAUGHT_BY = ["test_sync_target"]


def sync_target(target, online):
    online.load_state_dict(target.state_dict())
