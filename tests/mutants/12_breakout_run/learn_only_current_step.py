"""learn asks the schedules only about agent.step: right with one emulator, but with 16 emulators a call
covers 16 agent steps, and all but one of their updates and syncs are lost."""

CAUGHT_BY = ["test_learn"]


def learn(agent):
    c = agent.config
    if should_update(agent.step, c.learning_starts, c.update_every):
        agent.update(agent.memory.sample(c.batch_size))
        agent.updates += 1
    if agent.target is not None and is_sync_step(agent.step, c.target_sync_every):
        sync_target(agent.target, agent.online)
    agent.learned_until = agent.step
