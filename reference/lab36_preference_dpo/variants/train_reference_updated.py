"""dpo_train recomputes the reference's log-probs with gradients every step and gives both models to AdamW: the reference is trained too."""


def dpo_train(policy, reference, pairs, *, pad_id=0, beta=0.1, lr=1e-3, steps=20):
    if steps < 0 or not beta > 0:
        raise ValueError("bad steps or beta")
    batch = collate_pairs(pairs, pad_id)
    n = len(pairs)
    reference.eval()
    with torch.no_grad():
        first = _logps(reference, batch)
    optimizer = torch.optim.AdamW(list(policy.parameters()) + list(reference.parameters()), lr=lr)
    history = {"losses": [], "accuracies": [], "margins": []}
    policy.train()
    for _ in range(steps):
        reference_logps = _logps(reference, batch)
        policy_logps = _logps(policy, batch)
        loss, cr, rr = dpo_loss(policy_logps[:n], policy_logps[n:], reference_logps[:n], reference_logps[n:], beta)
        history["losses"].append(loss.item())
        history["accuracies"].append(reward_accuracy(cr, rr))
        history["margins"].append((cr - rr).mean().item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    policy.eval()
    history["reference_chosen_logps"] = first[:n].tolist()
    history["reference_rejected_logps"] = first[n:].tolist()
    return history
