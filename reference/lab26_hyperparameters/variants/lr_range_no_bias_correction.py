"""The smoothed loss is the raw exponential moving average, without the bias correction 1 / (1 - beta**(i+1))."""


def record(self, loss):
    lr = self.next_lr()
    if lr is None:
        raise RuntimeError("the range test is done")
    self._avg = self.beta * self._avg + (1 - self.beta) * loss
    smoothed = self._avg
    self.lrs.append(lr)
    self.losses.append(smoothed)
    self._best = min(self._best, smoothed)
    self.diverged = not math.isfinite(smoothed) or smoothed > self.diverge_factor * self._best
    self.done = self.diverged or len(self.losses) == self.num_steps
    return self.done


LRRangeTest.record = record
