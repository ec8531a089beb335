"""Each micro-batch loss is divided by the number of micro-batches: wrong when the last micro-batch is short."""


def accumulate_gradients(model, inputs, targets, micro_batch_size, loss="cross_entropy"):
    if loss not in LOSSES:
        raise ValueError("bad loss")
    if len(inputs) != len(targets):
        raise ValueError("lengths differ")
    batch = len(inputs)
    bounds = micro_batch_bounds(batch, micro_batch_size)
    model.zero_grad(set_to_none=True)
    total = 0.0
    for start, stop in bounds:
        part = batch_loss(model(inputs[start:stop]), targets[start:stop], loss) / len(bounds)
        part.backward()
        total += part.item()
    grads = {name: None if p.grad is None else p.grad.detach().clone() for name, p in model.named_parameters()}
    return total, grads
