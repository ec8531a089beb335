"""RMSNorm with eps=None taken as 1e-6 (a common LLaMA default) instead of the
machine epsilon of the compute dtype, as torch does."""


def _rms_eps(eps, compute_dtype):
    return 1e-6 if eps is None else eps
