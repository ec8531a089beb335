"""exact_match compares the stripped texts without SQuAD's normalisation (case, punctuation, articles count)."""


def exact_match(prediction, reference):
    return float(any(ref.strip() == prediction.strip() for ref in _references(reference)))
