"""Batched evaluation pads on the left without position ids: the documents' tokens get shifted positions."""


def batched_nll(model, sequences, *, batch_size=8, pad_token_id=0):
    if batch_size < 1:
        raise ValueError("bad batch_size")
    docs = [_as_ids(seq) for seq in sequences]
    if any(len(doc) > model.config.n_positions for doc in docs):
        raise ValueError("a document is too long")
    docs = [doc for doc in docs if len(doc) > 1]
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(docs), batch_size):
            batch = docs[start : start + batch_size]
            width = max(len(doc) for doc in batch)
            input_ids = torch.full((len(batch), width), pad_token_id, dtype=torch.long)
            labels = torch.full((len(batch), width), IGNORE_INDEX, dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            for row, doc in enumerate(batch):
                input_ids[row, width - len(doc) :] = doc
                labels[row, width - len(doc) :] = doc
                mask[row, width - len(doc) :] = 1
            t, c = sum_nll(model(input_ids, attention_mask=mask).logits, labels)
            total += t
            count += c
    model.train(was_training)
    return total, count
