"""token_f1 measures the overlap with sets of tokens instead of multisets (a repeated token counts once)."""


def _f1(prediction_tokens, reference_tokens):
    if not prediction_tokens or not reference_tokens:
        return float(prediction_tokens == reference_tokens)
    same = len(set(prediction_tokens) & set(reference_tokens))
    if same == 0:
        return 0.0
    precision = same / len(prediction_tokens)
    recall = same / len(reference_tokens)
    return 2 * precision * recall / (precision + recall)
