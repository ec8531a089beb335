"""The range test only stops on a non-finite loss or after num_steps, never on loss > diverge_factor x best."""


def record(self, loss):
    lr = self.next_lr()
    if lr is None:
        raise RuntimeError("the range test is done")
    self._avg = self.beta * self._avg + (1 - self.beta) * loss
    smoothed = self._avg / (1 - self.beta ** (len(self.losses) + 1))
    self.lrs.append(lr)
    self.losses.append(smoothed)
    self.diverged = not math.isfinite(smoothed)
    self.done = self.diverged or len(self.losses) == self.num_steps
    return self.done


LRRangeTest.record = record
