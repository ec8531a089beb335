"""ks_test's exact p-value counts only paths that go strictly beyond D (> instead of >=): P(statistic > D), not P(statistic >= D)."""


def _ks_exact_sf(n1, n2, h, two_sided):
    if h == 0:
        return 1.0
    bound = h * math.gcd(n1, n2)
    total = n1 + n2
    prob = np.ones(1)
    for k in range(1, total + 1):
        i = np.arange(max(0, k - n2), min(k, n1) + 1)
        j = k - i
        lo = max(0, k - 1 - n2)
        prev = np.zeros(n1 + 2)
        prev[lo:lo + len(prob)] = prob
        step_i = np.where(i > 0, prev[np.maximum(i - 1, 0)] * (n1 - i + 1), 0.0)
        step_j = np.where(j > 0, prev[i] * (n2 - j + 1), 0.0)
        new = (step_i + step_j) / (total - k + 1)
        diff = i * n2 - j * n1
        outside = diff > bound
        if two_sided:
            outside |= diff < -bound
        new[outside] = 0.0
        prob = new
    return float(min(max(1.0 - prob[-1], 0.0), 1.0))
