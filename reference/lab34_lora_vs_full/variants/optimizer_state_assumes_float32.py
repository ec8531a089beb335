"""optimizer_state_bytes counts 4 bytes per element whatever the state's dtype (wrong for bfloat16 / float16)."""


def optimizer_state_bytes(optimizer):
    return sum(
        value.numel() * 4
        for state in optimizer.state.values()
        for key, value in state.items()
        if key != "step" and torch.is_tensor(value)
    )
