"""Porter's measure computed on letters: the number of vowels, instead of the number
of VC sequences in [C](VC)^m[V] (oats gets m = 2, tree m = 2, by m = 1)."""


def measure(stem):
    return _cv(stem).count("v")
