"""Every public function raises ValueError (a submission that only "handles errors").

It used to earn the points of the tests that only checked that bad input
raises; each error test now first checks that a valid call works.
"""


def _always_value_error(*args, **kwargs):
    raise ValueError("not implemented")


analyze = build_vocabulary = count_matrix = idf_weights = tfidf_weight = tfidf_fit_transform = cosine_top_k = _always_value_error


class TfidfVectorizer:
    def __init__(self, **options):
        raise ValueError("not implemented")
