"""train_peft makes a new AdamW every step, so its moment estimates never accumulate."""


def train_peft(model, input_ids, attention_mask, labels, steps, lr=1e-2):
    if steps < 0:
        raise ValueError(f"steps must be non-negative, got {steps}")
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("the model has no trainable parameter")
    model.train()
    losses = []
    for _ in range(steps):
        optimizer = torch.optim.AdamW(params, lr=lr)
        loss = _loss(model(input_ids=input_ids, attention_mask=attention_mask, labels=labels))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    return losses
