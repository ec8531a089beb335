"""Search.best keeps the config told last among equal scores (<= instead of <)."""


def best(self):
    result = None
    for config, score in self.history:
        if math.isnan(score):
            continue
        if result is None or (score >= result[1] if self._maximize else score <= result[1]):
            result = (config, score)
    return result


Search.best = best
