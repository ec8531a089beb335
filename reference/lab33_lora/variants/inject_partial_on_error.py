"""inject_lora replaces modules as it goes: a bad match raises half-way, leaving a half-injected model."""


def inject_lora(model, target_modules, r=8, alpha=8.0, dropout=0.0, *, use_rslora=False):
    targets = [(name, m) for name, m in model.named_modules() if name and matches_target(name, target_modules)]
    if not targets:
        raise ValueError(f"no module matches {target_modules!r}")
    for name, module in targets:
        if not isinstance(module, nn.Linear):
            raise ValueError(f"{name} is a {type(module).__name__}, not an nn.Linear")
        parent_name, _, child = name.rpartition(".")
        setattr(model.get_submodule(parent_name), child, LoRALinear.from_linear(module, r, alpha, dropout, use_rslora=use_rslora))
    return [name for name, _ in targets]
