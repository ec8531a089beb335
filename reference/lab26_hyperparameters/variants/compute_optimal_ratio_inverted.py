"""The compute-optimal split puts the tokens-per-parameter ratio the wrong way round (N = 20 D): 6ND = C still holds."""


def compute_optimal(compute, tokens_per_parameter=20.0):
    if compute <= 0 or tokens_per_parameter <= 0:
        raise ValueError("compute and tokens_per_parameter must be positive")
    n = math.sqrt(compute * tokens_per_parameter / 6.0)
    return n, n / tokens_per_parameter
