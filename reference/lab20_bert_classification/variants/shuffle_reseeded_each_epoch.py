"""The shuffling generator is re-seeded every epoch, so every epoch visits the examples in the same order."""


def train_classifier(model, input_ids, attention_mask, labels, *, epochs=1, batch_size=8, lr=1e-3, seed=0):
    n = len(labels)
    if epochs < 0 or batch_size < 1 or len(input_ids) != n or len(attention_mask) != n:
        raise ValueError("bad arguments")
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr)
    model.train()
    losses = []
    for _ in range(epochs):
        order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
        for start in range(0, n, batch_size):
            batch = order[start : start + batch_size]
            loss = F.cross_entropy(model(input_ids[batch], attention_mask[batch]), labels[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    model.eval()
    return losses
