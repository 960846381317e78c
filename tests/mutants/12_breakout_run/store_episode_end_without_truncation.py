"""store marks the end of an episode only on game over: after a time-limit cut the memory stacks the
last frames of one game with the first of the next into one observation."""

CAUGHT_BY = ["test_store"]


def store(agent, frames, actions, rewards, terminated, truncated, life_lost):
    c = agent.config
    learning_rewards = clip_rewards(rewards) if c.clip_rewards else rewards
    terminal = terminated | (life_lost & c.terminal_on_life_loss)
    agent.memory.add(frames, actions, learning_rewards, terminal, terminated)
