"""near_duplicate_clusters defaults to 16 bands of 8 rows (datasketch's choice for 128 permutations), not 32 bands of 4."""

_reference_near_duplicate_clusters = near_duplicate_clusters


def near_duplicate_clusters(texts, *, bands=16, rows=8, **options):
    return _reference_near_duplicate_clusters(texts, bands=bands, rows=rows, **options)
