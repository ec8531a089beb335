"""dtype_info reads torch.finfo instead of computing the facts from the bit layout (the static check)."""


def dtype_info(name):
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}")
    info = torch.finfo(getattr(torch, name))
    return {**format_info(*FORMATS[name]), "max": float(info.max), "eps": float(info.eps)}
