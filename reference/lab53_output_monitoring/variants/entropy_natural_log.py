"""Shannon entropy in nats (natural log) instead of bits."""


def shannon_entropy(text):
    n = len(text)
    if n == 0:
        return 0.0
    return -sum(c / n * math.log(c / n) for c in Counter(text).values())
