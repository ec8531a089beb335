"""memory_footprint puts optimizer state on every parameter (2 moments each), frozen ones included."""


def memory_footprint(model, optimizer):
    params = list(model.parameters())
    sizes = {
        "parameters": sum(p.numel() * p.element_size() for p in params),
        "gradients": sum(p.grad.numel() * p.grad.element_size() for p in params if p.grad is not None),
        "optimizer_state": 2 * sum(p.numel() * p.element_size() for p in params),
    }
    sizes["total"] = sum(sizes.values())
    return sizes
