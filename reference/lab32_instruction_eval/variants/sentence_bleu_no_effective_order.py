"""sentence_bleu averages over all four orders (no effective order): short predictions score 0."""


def sentence_bleu(prediction, references):
    return _bleu_score(_bleu_statistics(prediction, _references(references)), effective_order=False)
