"""The range test spaces the learning rates linearly between lr_min and lr_max instead of exponentially."""


def next_lr(self):
    if self.done:
        return None
    i = len(self.losses)
    return self.lr_min + (self.lr_max - self.lr_min) * i / (self.num_steps - 1)


LRRangeTest.next_lr = next_lr
