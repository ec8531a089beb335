"""perplexity calls ``math.exp`` unguarded: a large mean NLL raises OverflowError instead of giving inf."""


def perplexity(total_nll, num_tokens):
    if num_tokens < 1 or total_nll < 0:
        raise ValueError("bad input")
    return math.exp(total_nll / num_tokens)
