"""An equal score (not strictly better by more than min_delta) counts as an improvement and resets patience."""


def _improves(self, score):
    if math.isnan(score):
        return False
    if self.best is None:
        return True
    if self.mode == "min":
        return score <= self.best - self.min_delta
    return score >= self.best + self.min_delta


EarlyStopping._improves = _improves
