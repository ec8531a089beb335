"""max_input_chars_per_word is compared with the UTF-8 byte length of the word, not its characters."""

_real_wordpiece = wordpiece_tokenize


def wordpiece_tokenize(word, vocab, *, unk_token="[UNK]", max_input_chars_per_word=100):
    if len(word.encode("utf-8")) > max_input_chars_per_word:
        return [unk_token]
    return _real_wordpiece(word, vocab, unk_token=unk_token, max_input_chars_per_word=max_input_chars_per_word)
