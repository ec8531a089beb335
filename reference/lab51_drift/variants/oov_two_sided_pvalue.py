"""oov_drift uses a two-sided p-value: a FALL of the OOV rate is reported as drift too."""

_oov_drift_orig = oov_drift


def oov_drift(reference_texts, current_texts, vocab, alpha=0.01):
    out = _oov_drift_orig(reference_texts, current_texts, vocab, alpha)
    if out["z"] != 0.0:
        out["pvalue"] = float(2 * norm.sf(abs(out["z"])))
        out["drift"] = out["pvalue"] < alpha
    return out
