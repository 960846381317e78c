"""store passes the game's points to the memory as they are, forgetting config.clip_rewards: Breakout's
later bricks (4 and 7 points) then give TD errors seven times larger than the first ones."""

CAUGHT_BY = ["test_store"]


def store(agent, frames, actions, rewards, terminated, truncated, life_lost):
    c = agent.config
    terminal = terminated | (life_lost & c.terminal_on_life_loss)
    agent.memory.add(frames, actions, rewards, terminal, terminated | truncated)
