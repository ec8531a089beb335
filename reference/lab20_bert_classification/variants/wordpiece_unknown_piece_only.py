"""An unmatched position becomes one [UNK] piece and splitting goes on, instead of the whole word becoming [UNK]."""


def wordpiece_tokenize(word, vocab, *, unk_token="[UNK]", max_input_chars_per_word=100):
    if len(word) > max_input_chars_per_word:
        return [unk_token]
    tokens, start = [], 0
    while start < len(word):
        for end in range(len(word), start, -1):
            piece = word[start:end] if start == 0 else "##" + word[start:end]
            if piece in vocab:
                break
        else:
            tokens.append(unk_token)
            start += 1
            continue
        tokens.append(piece)
        start = end
    return tokens
