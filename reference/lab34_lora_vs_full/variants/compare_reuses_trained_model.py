"""compare builds the model once: the LoRA runs start from the fully fine-tuned weights of the run before."""


def compare(config=None, ranks=(1, 2, 4, 8), *, targets=("q_proj", "v_proj"), alpha=16.0, steps=8, lr=1e-2, optimizer="adamw", seed=0, device="cpu"):
    if any(rank < 1 for rank in ranks):
        raise ValueError("rank")
    vocab = {**DEFAULT_CONFIG, **(config or {})}["vocab_size"]
    data = make_task(vocab, 8, 16, seed=seed)
    model = build_model(config, seed=seed).to(device)
    rows = []
    for rank in (0, *ranks):
        if rank:
            apply_lora(model, rank, alpha=alpha, targets=targets, seed=seed)
        result = train(model, data, steps=steps, lr=lr, optimizer=optimizer)
        row = {"method": f"lora-r{rank}" if rank else "full"}
        row.update({key: result[key] for key in TABLE_COLUMNS[1:]})
        rows.append(row)
    return rows
