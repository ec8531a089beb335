"""optimizer_state_bytes assumes AdamW: 2 moments for every parameter in the groups, stepped or not, whatever the optimizer."""


def optimizer_state_bytes(optimizer):
    return sum(
        2 * p.numel() * p.element_size()
        for group in optimizer.param_groups
        for p in group["params"]
    )
