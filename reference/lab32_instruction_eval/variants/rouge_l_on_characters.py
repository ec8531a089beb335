"""rouge_l takes the LCS over characters (of the lowercased text) instead of rouge-score's word tokens."""


def _rouge_tokens(text):
    return [ch for ch in text.lower() if not ch.isspace()]
