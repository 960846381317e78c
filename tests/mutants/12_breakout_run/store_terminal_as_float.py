"""store hands the memory its terminal flags as float32 (1.0 / 0.0), "ready for the (1 - terminal) of the TD
target": the truth values are right, but the memory stores bool flags, and the contract asks for bools."""

CAUGHT_BY = ["test_store"]


def store(agent, frames, actions, rewards, terminated, truncated, life_lost):
    c = agent.config
    learning_rewards = clip_rewards(rewards) if c.clip_rewards else rewards
    terminal = (terminated | (life_lost & c.terminal_on_life_loss)).astype(np.float32)
    agent.memory.add(frames, actions, learning_rewards, terminal, terminated | truncated)
