"""Greedy search runs the whole sampling pipeline (temperature, top-k, top-p)
before the argmax, so temperature=0 or top_k=0 raise although they should be
ignored."""

import torch

_reference_generate = generate


def generate(model, input_ids, max_new_tokens, *, do_sample=False, temperature=1.0, top_k=None, top_p=None,
             repetition_penalty=1.0, seed=None):
    if not do_sample and max_new_tokens > 0:
        process_logits(torch.zeros(1, 2), torch.zeros(1, 0, dtype=torch.long), temperature=temperature, top_k=top_k, top_p=top_p)
    return _reference_generate(model, input_ids, max_new_tokens, do_sample=do_sample, temperature=temperature,
                               top_k=top_k, top_p=top_p, repetition_penalty=repetition_penalty, seed=seed)
