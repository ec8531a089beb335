"""generate_sample switches the model to eval mode and leaves it there."""


@torch.no_grad()
def generate_sample(model, prompt, max_new_tokens):
    if max_new_tokens < 0:
        raise ValueError("max_new_tokens must be >= 0")
    model.eval()
    context = torch.tensor([[EOT, *encode(prompt)]])
    start = context.shape[1]
    for _ in range(max_new_tokens):
        logits = model(context[:, -model.block_size :])
        context = torch.cat([context, logits[:, -1].argmax(dim=-1, keepdim=True)], dim=1)
    return decode(context[0, start:].tolist())
