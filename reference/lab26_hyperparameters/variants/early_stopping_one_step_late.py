"""Early stopping stops one step late: when num_bad_steps exceeds patience instead of reaching it."""


def step(self, score):
    if self.stopped:
        return True
    if self._improves(score):
        self.best, self.best_step, self.num_bad_steps = score, self._steps, 0
    else:
        self.num_bad_steps += 1
        self.stopped = self.num_bad_steps > self.patience
    self._steps += 1
    return self.stopped


EarlyStopping.step = step
