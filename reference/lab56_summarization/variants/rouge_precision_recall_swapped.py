"""Precision and recall are swapped: the overlap is divided by the reference length for precision."""


def _prf(overlap, n_candidate, n_reference):
    precision = overlap / n_reference if n_reference else 0.0
    recall = overlap / n_candidate if n_candidate else 0.0
    total = precision + recall
    return {"precision": precision, "recall": recall, "fmeasure": 2 * precision * recall / total if total > 0 else 0.0}
