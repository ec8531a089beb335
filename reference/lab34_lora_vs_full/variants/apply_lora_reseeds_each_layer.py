"""apply_lora seeds a new generator for every adapted layer (every A of the same shape is the same)."""


def apply_lora(model, rank, *, alpha=16.0, targets=("q_proj", "v_proj"), seed=0):
    if rank < 1:
        raise ValueError(f"rank must be at least 1, got {rank}")
    chosen = [n for n, m in model.named_modules() if isinstance(m, nn.Linear) and n.rsplit(".", 1)[-1] in targets]
    if not chosen:
        raise ValueError("no target")
    model.requires_grad_(False)
    for name in chosen:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        generator = torch.Generator().manual_seed(seed)
        setattr(parent, child, LoRALinear(getattr(parent, child), rank, alpha, generator=generator))
    return model
