"""pos and neg are swapped: pos reviews get label 0 and come first."""

_real_read_imdb = read_imdb


def read_imdb(archive, split):
    texts, labels = _real_read_imdb(archive, split)
    n_neg = labels.count(0)
    return texts[n_neg:] + texts[:n_neg], [0] * (len(labels) - n_neg) + [1] * n_neg
