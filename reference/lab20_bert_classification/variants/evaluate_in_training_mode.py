"""evaluate never calls model.eval(): a model left in training mode is evaluated with dropout on."""


@torch.no_grad()
def evaluate(model, input_ids, attention_mask, labels, *, batch_size=32):
    n = len(labels)
    if n == 0 or batch_size < 1 or len(input_ids) != n or len(attention_mask) != n:
        raise ValueError("bad arguments")
    logits = torch.cat([model(input_ids[i : i + batch_size], attention_mask[i : i + batch_size]) for i in range(0, n, batch_size)])
    predictions = logits.argmax(dim=-1)
    return {"loss": F.cross_entropy(logits, labels).item(), "accuracy": (predictions == labels).double().mean().item(),
            "predictions": predictions.tolist()}
