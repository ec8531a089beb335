"""train makes a new optimiser at every step: AdamW's moment estimates restart each time."""


def train(model, token_path, *, steps, batch_size, block_size, max_lr, min_lr, warmup_steps, weight_decay=0.1,
          grad_clip=1.0, seed=0, sample_every=0, sample_prompt="", sample_tokens=32):
    if steps < 0 or sample_every < 0:
        raise ValueError("steps and sample_every must be >= 0")
    if block_size > model.block_size:
        raise ValueError("block_size too large")
    tokens = load_tokens(token_path)
    generator = torch.Generator().manual_seed(seed)
    model.train()
    history = {"losses": [], "lrs": [], "grad_norms": [], "samples": []}
    for step in range(steps):
        optimizer = configure_optimizer(model, lr=max_lr, weight_decay=weight_decay)
        lr = lr_at(step, max_lr=max_lr, min_lr=min_lr, warmup_steps=warmup_steps, max_steps=steps)
        x, y = get_batch(tokens, batch_size, block_size, generator)
        loss, norm = train_step(model, optimizer, x, y, lr=lr, grad_clip=grad_clip)
        history["losses"].append(loss)
        history["lrs"].append(lr)
        history["grad_norms"].append(norm)
        if sample_every > 0 and (step + 1) % sample_every == 0:
            history["samples"].append((step + 1, generate_sample(model, sample_prompt, sample_tokens)))
    return history
