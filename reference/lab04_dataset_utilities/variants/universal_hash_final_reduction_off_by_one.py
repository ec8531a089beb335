"""universal_hash's last reduction subtracts p only from values strictly above p (> instead of >=).

A value that lands exactly on p after folding is returned as p instead of 0
(a = 1, b = p - 1, x = 1, for example).
"""


def universal_hash(x, a, b):
    x = np.asarray(x, dtype=np.uint64)[np.newaxis, :]
    a = np.asarray(a, dtype=np.uint64)[:, np.newaxis]
    b = np.asarray(b, dtype=np.uint64)[:, np.newaxis]
    hi = (a >> np.uint64(32)) * x
    lo = (a & _MASK32) * x
    q = hi >> np.uint64(29)
    hi &= _MASK29
    hi <<= np.uint64(32)
    hi += q
    np.right_shift(lo, np.uint64(61), out=q)
    lo &= _P
    lo += q
    hi += lo
    hi += b
    np.right_shift(hi, np.uint64(61), out=q)
    hi &= _P
    hi += q
    np.subtract(hi, _P, out=hi, where=hi > _P)
    return hi
