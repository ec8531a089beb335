"""fine_tune creates a fresh AdamW at the start of every epoch, resetting its moment estimates."""


def fine_tune(model, batches, *, epochs=1, lr=1e-3):
    if not batches or epochs < 1:
        raise ValueError("need batches and epochs")
    model.train()
    losses = []
    for _ in range(epochs):
        optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
        for batch in batches:
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                           decoder_input_ids=batch["decoder_input_ids"]).logits
            loss = seq2seq_loss(logits, batch["labels"])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    model.eval()
    return losses
