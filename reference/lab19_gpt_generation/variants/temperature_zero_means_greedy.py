"""generate treats do_sample=True with temperature=0 as greedy search instead
of raising ValueError (and never checks the temperature)."""

_reference_generate = generate


def generate(model, input_ids, max_new_tokens, *, do_sample=False, temperature=1.0, top_k=None, top_p=None,
             repetition_penalty=1.0, seed=None):
    if do_sample and temperature <= 0:
        do_sample = False
    return _reference_generate(model, input_ids, max_new_tokens, do_sample=do_sample, temperature=temperature,
                               top_k=top_k, top_p=top_p, repetition_penalty=repetition_penalty, seed=seed)
