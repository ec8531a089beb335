"""apply_repetition_penalty penalises a token once per occurrence (a token seen
three times is divided by penalty**3) instead of once."""


def apply_repetition_penalty(logits, input_ids, penalty):
    if not penalty > 0:
        raise ValueError("bad penalty")
    out = logits.clone()
    for column in input_ids.T:
        score = out.gather(-1, column[:, None])
        out = out.scatter(-1, column[:, None], torch.where(score < 0, score * penalty, score / penalty))
    return out
