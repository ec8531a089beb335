"""optimizer_state_bytes counts AdamW's scalar step counter too (4 more bytes per parameter tensor)."""


def optimizer_state_bytes(optimizer):
    return sum(
        value.numel() * value.element_size()
        for state in optimizer.state.values()
        for value in state.values()
        if torch.is_tensor(value)
    )
