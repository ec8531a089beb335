"""generate_sample feeds the whole context, never cropping it to block_size (it fails once the context is longer)."""


@torch.no_grad()
def generate_sample(model, prompt, max_new_tokens):
    if max_new_tokens < 0:
        raise ValueError("max_new_tokens must be >= 0")
    was_training = model.training
    model.eval()
    context = torch.tensor([[EOT, *encode(prompt)]])
    start = context.shape[1]
    for _ in range(max_new_tokens):
        logits = model(context)
        context = torch.cat([context, logits[:, -1].argmax(dim=-1, keepdim=True)], dim=1)
    model.train(was_training)
    return decode(context[0, start:].tolist())
