"""dpo_train reads the reference without putting it in eval mode: with dropout its log-probs are noisy (and it stays in training mode)."""


def dpo_train(policy, reference, pairs, *, pad_id=0, beta=0.1, lr=1e-3, steps=20):
    if steps < 0 or not beta > 0:
        raise ValueError("bad steps or beta")
    batch = collate_pairs(pairs, pad_id)
    n = len(pairs)
    with torch.no_grad():
        reference_logps = _logps(reference, batch)
    ref_chosen, ref_rejected = reference_logps[:n], reference_logps[n:]
    optimizer = torch.optim.AdamW(policy.parameters(), lr=lr)
    history = {"losses": [], "accuracies": [], "margins": []}
    policy.train()
    for _ in range(steps):
        policy_logps = _logps(policy, batch)
        loss, cr, rr = dpo_loss(policy_logps[:n], policy_logps[n:], ref_chosen, ref_rejected, beta)
        history["losses"].append(loss.item())
        history["accuracies"].append(reward_accuracy(cr, rr))
        history["margins"].append((cr - rr).mean().item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    policy.eval()
    history["reference_chosen_logps"] = ref_chosen.tolist()
    history["reference_rejected_logps"] = ref_rejected.tolist()
    return history
