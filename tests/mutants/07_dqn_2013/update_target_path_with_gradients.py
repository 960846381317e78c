"""update_step writes the Nature path (a separate target network) by hand and computes the targets with
gradient tracking on, "the target network is frozen anyway": the online network's update is right, but
when the target's parameters accept gradients, every update fills their .grad (and builds the graph of a
forward pass that nobody needs)."""

CAUGHT_BY = ["test_update_step"]


def update_step(online, target, optimizer, batch, gamma, loss):
    if target is None:
        value, q_taken = dqn_loss(online, online, batch, gamma, loss)
    else:
        best_next = target(batch.next_observations).max(dim=1).values
        targets = batch.rewards + gamma * (1.0 - batch.terminals) * best_next
        q_taken = q_learning.q_values_of_actions(online(batch.observations), batch.actions)
        value = loss(targets - q_taken)
        q_taken = q_taken.detach()
    optimizer.zero_grad()
    value.backward()
    optimizer.step()
    return value.detach(), q_taken.mean()
