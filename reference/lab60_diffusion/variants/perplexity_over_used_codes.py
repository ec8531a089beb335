"""Usage counts the codes used out of the codes seen (always 1) and perplexity uses log2 with exp."""
# ruff: noqa: F821  (appended to the solution: its names and imports are in scope)


def codebook_usage(indices, num_codes):
    flat = indices.reshape(-1).long()
    if flat.numel() == 0 or bool(((flat < 0) | (flat >= num_codes)).any()):
        raise ValueError("bad indices")
    p = torch.bincount(flat, minlength=num_codes).double() / flat.numel()
    p = p[p > 0]
    return float((p > 0).double().mean()), float(torch.exp(-(p * torch.log2(p)).sum()))
