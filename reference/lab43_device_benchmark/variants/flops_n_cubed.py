"""Counts a matmul's FLOPs as m*n*k (one per multiply-add) instead of 2*m*n*k."""


def matmul_flops(m, n, k, batch=1):
    _check_counts(m, n, k, batch)
    return batch * m * n * k
