"""apply_lora freezes only the wrapped linears' weights; embeddings, norms and the other linears stay trainable."""


def apply_lora(model, rank, *, alpha=16.0, targets=("q_proj", "v_proj"), seed=0):
    if rank < 1:
        raise ValueError(f"rank must be at least 1, got {rank}")
    chosen = [n for n, m in model.named_modules() if isinstance(m, nn.Linear) and n.rsplit(".", 1)[-1] in targets]
    if not chosen:
        raise ValueError("no target")
    generator = torch.Generator().manual_seed(seed)
    for name in chosen:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        base = getattr(parent, child)
        base.requires_grad_(False)
        setattr(parent, child, LoRALinear(base, rank, alpha, generator=generator))
    return model
