"""The F-measure is the arithmetic mean of precision and recall instead of their harmonic mean."""


def _prf(overlap, n_candidate, n_reference):
    precision = overlap / n_candidate if n_candidate else 0.0
    recall = overlap / n_reference if n_reference else 0.0
    return {"precision": precision, "recall": recall, "fmeasure": (precision + recall) / 2}
