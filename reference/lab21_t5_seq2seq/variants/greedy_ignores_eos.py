"""Greedy decoding does not stop at eos: it always generates max_new_tokens tokens."""


@torch.no_grad()
def greedy_decode(model, input_ids, *, max_new_tokens, decoder_start_token_id=PAD_ID, eos_token_id=EOS_ID):
    if max_new_tokens < 1:
        raise ValueError("max_new_tokens must be at least 1")
    encoded = _encode(model, input_ids)
    tokens = [decoder_start_token_id]
    for _ in range(max_new_tokens):
        tokens.append(int(_next_log_probs(model, encoded, torch.tensor([tokens])).argmax(-1)))
    return tokens[1:]
