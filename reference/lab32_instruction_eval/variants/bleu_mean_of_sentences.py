"""Corpus BLEU computed as the mean of per-sentence BLEU scores instead of from pooled counts."""


def bleu(predictions, references):
    if len(predictions) == 0 or len(predictions) != len(references):
        raise ValueError("predictions and references must be non-empty and of the same length")
    scores = [_bleu_score(_bleu_statistics(p, _references(r)), effective_order=False)
              for p, r in zip(predictions, references)]
    return sum(scores) / len(scores)
