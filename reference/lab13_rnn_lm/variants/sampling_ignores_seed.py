"""Sampling draws from torch's global random generator instead of one seeded with
``seed``, so results are not reproducible."""


def _draw(logits, temperature, generator):
    probs = temperature_probs(logits.float(), temperature)
    return torch.multinomial(probs, 1).squeeze(-1)
