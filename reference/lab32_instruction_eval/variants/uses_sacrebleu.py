"""bleu delegates to sacrebleu, which the lab forbids (the no_metric_or_http_packages code check)."""

import sacrebleu


def bleu(predictions, references):
    if len(predictions) == 0 or len(predictions) != len(references):
        raise ValueError("predictions and references must be non-empty and of the same length")
    refs = [_references(r) for r in references]
    streams = [[r[j] if j < len(r) else None for r in refs] for j in range(max(map(len, refs)))]
    return float(sacrebleu.corpus_bleu(list(predictions), streams).score)
