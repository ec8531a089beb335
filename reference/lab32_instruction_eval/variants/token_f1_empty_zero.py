"""token_f1 is 0.0 whenever a side has no tokens, also when both are empty (SQuAD says 1.0)."""


def _f1(prediction_tokens, reference_tokens):
    if not prediction_tokens or not reference_tokens:
        return 0.0
    same = sum((Counter(prediction_tokens) & Counter(reference_tokens)).values())
    if same == 0:
        return 0.0
    precision = same / len(prediction_tokens)
    recall = same / len(reference_tokens)
    return 2 * precision * recall / (precision + recall)
