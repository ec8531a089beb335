"""A new AdamW optimiser is built inside the loop at every step, so its moment
estimates restart each time and every step is a first Adam step (each entry
moves by about lr); the loss still falls."""


def train_mlm(model, input_ids, *, mask_id, special_ids, attention_mask=None, pad_id=None, steps=100, batch_size=16,
              lr=3e-3, seed=0):
    special = list(special_ids)
    vocab_size = model.token_embedding.num_embeddings
    generator = torch.Generator().manual_seed(seed)
    model.train()
    losses = []
    for step in range(steps):
        optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
        rows = torch.randint(len(input_ids), (batch_size,), generator=generator)
        batch = input_ids[rows]
        batch_mask = None if attention_mask is None else attention_mask[rows]
        masked, labels = mask_tokens(batch, mask_id=mask_id, vocab_size=vocab_size, special_ids=special,
                                     attention_mask=batch_mask, pad_id=pad_id, seed=seed * 1_000_003 + step)
        loss = mlm_loss(model(masked, batch_mask), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    return losses
