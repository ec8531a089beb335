"""Character n-grams taken from the bare word, without the < > boundary
markers, so prefixes and suffixes are not distinguished from inner n-grams."""


def char_ngrams(word, min_n=3, max_n=6):
    if min_n < 1 or max_n < min_n:
        raise ValueError("need 1 <= min_n <= max_n")
    return [word[i : i + n] for i in range(len(word)) for n in range(min_n, max_n + 1) if i + n <= len(word)]
