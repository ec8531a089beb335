"""optimizer_state_bytes counts 2 bytes per element (half precision assumed)."""


def optimizer_state_bytes(optimizer):
    return sum(
        value.numel() * 2
        for state in optimizer.state.values()
        for key, value in state.items()
        if key != "step" and torch.is_tensor(value)
    )
