"""Every function raises ValueError: it must earn nothing, also from the tests that expect a ValueError."""


def _raise(*args, **kwargs):
    raise ValueError("not done")


count_characters = words = split_sentences = split_documents = word_frequencies = top_k = _raise
type_token_ratio = sentence_lengths = summarize_lengths = zipf_slope = text_stats = _raise
