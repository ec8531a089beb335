"""generate switches the model to eval mode and never switches it back, so a
model that was training is left in eval mode after sampling from it."""

_reference_generate = generate


def generate(model, prompt, num_tokens, temperature=1.0, seed=0):
    model.eval()
    return _reference_generate(model, prompt, num_tokens, temperature, seed)
