"""generate makes a new generator from the seed at every step, so every step
draws with the same random numbers."""

import torch


@torch.no_grad()
def generate(model, input_ids, max_new_tokens, *, do_sample=False, temperature=1.0, top_k=None, top_p=None,
             repetition_penalty=1.0, seed=None):
    batch, prompt_len = input_ids.shape
    if max_new_tokens < 0 or prompt_len < 1 or prompt_len + max_new_tokens > model.n_positions:
        raise ValueError("bad length")
    tokens = input_ids
    for _ in range(max_new_tokens):
        logits = model(tokens)[:, -1].float()
        if do_sample:
            generator = torch.Generator().manual_seed(seed) if seed is not None else None
            scores = process_logits(logits, tokens, temperature=temperature, top_k=top_k, top_p=top_p,
                                    repetition_penalty=repetition_penalty)
            nxt = torch.multinomial(scores.softmax(-1), 1, generator=generator)
        else:
            nxt = apply_repetition_penalty(logits, tokens, repetition_penalty).argmax(-1, keepdim=True)
        tokens = torch.cat((tokens, nxt), dim=1)
    return tokens
