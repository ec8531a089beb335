"""generate builds a new generator seeded with ``seed`` for every token instead
of one generator for the whole continuation: each step reuses the same random
number, so the draws of one run are strongly dependent (a flat distribution
gives the same token over and over)."""


@torch.no_grad()
def generate(model, prompt, num_tokens, temperature=1.0, seed=0):
    if len(prompt) == 0:
        raise ValueError("the prompt must not be empty")
    if num_tokens < 0 or temperature < 0:
        raise ValueError("num_tokens and temperature must be >= 0")
    was_training = model.training
    logits, state = model(torch.tensor([list(prompt)], dtype=torch.long))
    generated = []
    for _ in range(num_tokens):
        token = _draw(logits[:, -1], temperature, torch.Generator().manual_seed(seed))
        generated.append(int(token))
        logits, state = model(token.view(1, 1), state)
    model.train(was_training)
    return generated
