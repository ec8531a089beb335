"""Cache kernel outputs by input identity and shape; return cached results.
base: reference
expect: timed|did not match|wrong
"""
_cache = {}
_real = matmul


def matmul(a, b):
    print("ATTACK-RAN", "cache_by_identity", sep=":", flush=True)  # the proof that it ran, before anything can silence it
    key = (a.shape, b.shape)
    if key not in _cache:
        _cache[key] = _real(a, b)
    return _cache[key]
