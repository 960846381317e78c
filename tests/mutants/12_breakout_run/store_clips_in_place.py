"""store clips the rewards in place to save a copy: the memory gets the right values, but the caller's
array, from which the real game scores are logged, now holds clipped rewards."""

CAUGHT_BY = ["test_store"]


def store(agent, frames, actions, rewards, terminated, truncated, life_lost):
    c = agent.config
    if c.clip_rewards:
        np.clip(rewards, -1.0, 1.0, out=rewards)
    terminal = terminated | (life_lost & c.terminal_on_life_loss)
    agent.memory.add(frames, actions, rewards, terminal, terminated | truncated)
