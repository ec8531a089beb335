"""pretokenize does not check its special tokens: an empty or repeated special token is accepted (train_bpe and BPETokenizer still check)."""


def pretokenize(text, special_tokens=()):
    special_tokens = [t for t in dict.fromkeys(special_tokens) if t]
    pieces = []
    for part, is_special in _split_special(text, special_tokens):
        if is_special:
            pieces.append(part)
        else:
            pieces.extend(_GPT2_SPLIT.findall(part))
    return pieces
