"""near_duplicate_clusters uses character shingles for any shingle kind but "word" instead of raising ValueError."""

_reference_near_duplicate_clusters = near_duplicate_clusters


def near_duplicate_clusters(texts, *, shingle="word", **options):
    return _reference_near_duplicate_clusters(texts, shingle="word" if shingle == "word" else "char", **options)
