"""process_logits divides by the temperature after the top-k and top-p filters,
so the nucleus is chosen from the untempered distribution."""


def process_logits(logits, input_ids, *, temperature=1.0, top_k=None, top_p=None, repetition_penalty=1.0):
    if repetition_penalty != 1.0:
        logits = apply_repetition_penalty(logits, input_ids, repetition_penalty)
    if top_k is not None:
        logits = top_k_filter(logits, top_k)
    if top_p is not None and top_p != 1.0:
        logits = top_p_filter(logits, top_p)
    if temperature != 1.0:
        logits = apply_temperature(logits, temperature)
    return logits
