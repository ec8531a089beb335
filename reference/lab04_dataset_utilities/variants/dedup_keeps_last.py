"""De-duplication that keeps the last member of each cluster instead of the first."""


def deduplicate(texts, **options):
    dropped = {i for cluster in near_duplicate_clusters(texts, **options) for i in cluster[:-1]}
    return [i for i in range(len(texts)) if i not in dropped]
