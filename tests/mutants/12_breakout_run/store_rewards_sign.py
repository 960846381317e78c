"""store takes the sign of the rewards (the papers' wording) instead of Chapter 7's clip_rewards: the same
for whole-number scores, but a reward of 0.5 becomes 1 and the run is no longer the reference's."""

CAUGHT_BY = ["test_store"]


def store(agent, frames, actions, rewards, terminated, truncated, life_lost):
    c = agent.config
    learning_rewards = np.sign(rewards).astype(np.float32) if c.clip_rewards else rewards
    terminal = terminated | (life_lost & c.terminal_on_life_loss)
    agent.memory.add(frames, actions, learning_rewards, terminal, terminated | truncated)
