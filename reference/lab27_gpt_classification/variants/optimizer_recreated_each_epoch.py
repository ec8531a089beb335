"""train_classifier makes a new AdamW at every epoch (its moment estimates restart)."""


def train_classifier(model, input_ids, attention_mask, labels, *, epochs=1, batch_size=8, lr=1e-3, seed=0):
    n = len(labels)
    if epochs < 0 or batch_size < 1:
        raise ValueError("bad epochs or batch_size")
    if len(input_ids) != n or len(attention_mask) != n:
        raise ValueError("rows disagree")
    generator = torch.Generator().manual_seed(seed)
    model.train()
    losses = []
    for _ in range(epochs):
        optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr)
        order = torch.randperm(n, generator=generator)
        for start in range(0, n, batch_size):
            batch = order[start : start + batch_size]
            loss = F.cross_entropy(model(input_ids[batch], attention_mask[batch]), labels[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    model.eval()
    return losses
