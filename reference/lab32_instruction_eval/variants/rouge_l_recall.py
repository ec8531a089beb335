"""rouge_l returns the LCS recall (L / len(reference tokens)) instead of the F-measure."""


def rouge_l(prediction, reference):
    prediction_tokens = _rouge_tokens(prediction)
    best = 0.0
    for ref in _references(reference):
        reference_tokens = _rouge_tokens(ref)
        if prediction_tokens and reference_tokens:
            best = max(best, _lcs_length(reference_tokens, prediction_tokens) / len(reference_tokens))
    return best
