"""last_token_index is the number of real tokens minus one: right for right padding, wrong for left padding."""


def last_token_index(attention_mask):
    real = attention_mask != 0
    if not real.any(dim=1).all():
        raise ValueError("every row needs at least one real token")
    return real.long().sum(dim=1) - 1
