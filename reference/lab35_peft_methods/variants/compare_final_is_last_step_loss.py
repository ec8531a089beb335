"""compare_methods reports the loss seen at the last step (before its update) as final_loss."""


def compare_methods(config, state_dict, input_ids, attention_mask, labels, *, bottleneck=4, num_virtual_tokens=4,
                    steps=10, lr=1e-2, seed=0):
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    rows = []
    for method in METHODS:
        base = build_base_model(config, state_dict)
        torch.manual_seed(seed)
        if method == "full":
            model = base
        elif method == "adapter":
            model = AdapterModel(base, bottleneck)
        elif method == "prefix":
            model = PrefixTuningModel(base, num_virtual_tokens)
        else:
            model = PromptTuningModel(base, num_virtual_tokens)
        trainable, total = count_parameters(model)
        losses = train_peft(model, input_ids, attention_mask, labels, steps, lr)
        rows.append({"method": method, "trainable_params": trainable, "total_params": total,
                     "initial_loss": losses[0], "final_loss": losses[-1]})
    return rows
