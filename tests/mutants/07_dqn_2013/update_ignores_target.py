"""update_step always takes the targets from the online network ("target=None is the usual case"): the
2013 agent is right, but the Nature agent's target network is silently never used."""

CAUGHT_BY = ["test_update_step"]


def update_step(online, target, optimizer, batch, gamma, loss):
    value, q_taken = dqn_loss(online, online, batch, gamma, loss)
    optimizer.zero_grad()
    value.backward()
    optimizer.step()
    return value.detach(), q_taken.mean()
