"""fine_tune makes a new AdamW at the start of every epoch (its moments are lost)."""


def fine_tune(model, examples, *, epochs=1, batch_size=8, lr=1e-3, seed=0, pad_id=PAD_ID, eos_id=EOS_ID, max_length=None,
              mask_prompt=True):
    _check_run(examples, batch_size)
    if epochs < 0:
        raise ValueError("epochs")
    generator = torch.Generator().manual_seed(seed)
    model.train()
    losses = []
    for _ in range(epochs):
        optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
        order = torch.randperm(len(examples), generator=generator).tolist()
        for start in range(0, len(examples), batch_size):
            batch = collate([examples[i] for i in order[start : start + batch_size]], pad_id, eos_id,
                            max_length=max_length, mask_prompt=mask_prompt)
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            loss = masked_lm_loss(logits, batch["labels"])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    model.eval()
    return losses
