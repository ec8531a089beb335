"""Reads an explicit eps=0.0 as "not given" (eps or finfo.eps), so RMSNorm
with eps=0 adds the machine epsilon."""


def _rms_eps(eps, compute_dtype):
    return eps or torch.finfo(compute_dtype).eps
