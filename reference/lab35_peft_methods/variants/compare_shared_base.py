"""compare_methods builds the base model once: each method starts from the previous one's training."""


def compare_methods(config, state_dict, input_ids, attention_mask, labels, *, bottleneck=4, num_virtual_tokens=4,
                    steps=10, lr=1e-2, seed=0):
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    rows = []
    base = build_base_model(config, state_dict)
    for method in METHODS:
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
        with torch.no_grad():
            final = _loss(model(input_ids=input_ids, attention_mask=attention_mask, labels=labels)).item()
        rows.append({"method": method, "trainable_params": trainable, "total_params": total,
                     "initial_loss": losses[0], "final_loss": final})
    return rows
