"""learn adds one to agent.updates per call that made any update, not per update: with 16 emulators the
logs and checkpoints report a quarter of the updates really made."""

CAUGHT_BY = ["test_learn"]


def learn(agent):
    c = agent.config
    made = False
    for step in range(agent.learned_until + 1, agent.step + 1):
        if should_update(step, c.learning_starts, c.update_every):
            agent.update(agent.memory.sample(c.batch_size))
            made = True
        if agent.target is not None and is_sync_step(step, c.target_sync_every):
            sync_target(agent.target, agent.online)
    agent.updates += int(made)
    agent.learned_until = agent.step
