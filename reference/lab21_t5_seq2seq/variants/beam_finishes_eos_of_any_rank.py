"""Eos candidates of every rank among the 2k (not only the first k) become finished hypotheses."""


@torch.no_grad()
def beam_search(model, input_ids, *, num_beams, max_new_tokens, length_penalty=1.0, early_stopping=False,
                num_return_sequences=1, decoder_start_token_id=PAD_ID, eos_token_id=EOS_ID):
    if num_beams < 1 or max_new_tokens < 1 or not 1 <= num_return_sequences <= num_beams:
        raise ValueError("bad arguments")
    encoded = _encode(model, input_ids)
    running = [([], 0.0)]
    finished = []
    for t in range(1, max_new_tokens + 1):
        prefixes = torch.tensor([[decoder_start_token_id, *tokens] for tokens, _ in running])
        scores = _next_log_probs(model, encoded, prefixes) + torch.tensor([score for _, score in running])[:, None]
        top_scores, top_indices = scores.flatten().topk(2 * num_beams)
        vocab_size = scores.shape[-1]
        candidates = [(running[i // vocab_size][0] + [i % vocab_size], s) for s, i in zip(top_scores.tolist(), top_indices.tolist())]
        for rank, (tokens, score) in enumerate(candidates[:2 * num_beams]):
            if tokens[-1] == eos_token_id or t == max_new_tokens:
                finished.append((tokens, score / t**length_penalty))
        finished = sorted(finished, key=lambda hyp: hyp[1], reverse=True)[:num_beams]
        running = [hyp for hyp in candidates if hyp[0][-1] != eos_token_id][:num_beams]
        if len(finished) == num_beams and (early_stopping or running[0][1] / t**length_penalty <= finished[-1][1]):
            break
    return finished[:num_return_sequences]
