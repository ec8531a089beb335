"""LAMB.step starts every group from an empty state: the moments and the step count are lost between calls."""


def _fresh_step(self, grads):
    grads = list(grads)
    total = sum(len(group["params"]) for group in self.param_groups)
    if len(grads) != total:
        raise ValueError("wrong number of gradients")
    start = 0
    for i, group in enumerate(self.param_groups):
        n = len(group["params"])
        hyper = {k: v for k, v in group.items() if k != "params"}
        group["params"], self._states[i] = lamb_step(group["params"], grads[start : start + n], {}, **hyper)
        start += n
    return [p.clone() for group in self.param_groups for p in group["params"]]


LAMB.step = _fresh_step
