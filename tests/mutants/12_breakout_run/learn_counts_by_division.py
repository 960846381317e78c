"""learn works out how many updates a call owes by division, (agent.step - agent.learned_until) // update_every,
makes them one after the other and syncs once at the end if a multiple of target_sync_every was passed:
right when the calls fall on multiples of update_every, but uneven jumps lose or add updates, learning_starts
is only checked at agent.step, and the updates of a call no longer see the syncs between them."""

CAUGHT_BY = ["test_learn"]


def learn(agent):
    c = agent.config
    if agent.step > c.learning_starts:
        for _ in range((agent.step - agent.learned_until) // c.update_every):
            agent.update(agent.memory.sample(c.batch_size))
            agent.updates += 1
    if agent.target is not None and agent.step // c.target_sync_every > agent.learned_until // c.target_sync_every:
        sync_target(agent.target, agent.online)
    agent.learned_until = agent.step
