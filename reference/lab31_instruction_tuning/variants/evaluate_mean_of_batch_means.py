"""evaluate_loss averages the per-batch mean losses instead of weighting every token the same."""


@torch.no_grad()
def evaluate_loss(model, examples, *, batch_size=8, pad_id=PAD_ID, eos_id=EOS_ID, max_length=None, mask_prompt=True):
    _check_run(examples, batch_size)
    model.eval()
    losses = []
    for start in range(0, len(examples), batch_size):
        batch = collate(examples[start : start + batch_size], pad_id, eos_id, max_length=max_length, mask_prompt=mask_prompt)
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        losses.append(masked_lm_loss(logits, batch["labels"]).item())
    return sum(losses) / len(losses)
