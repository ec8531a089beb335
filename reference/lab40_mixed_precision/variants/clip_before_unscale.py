"""The gradients are clipped while still scaled, then unscaled."""


def _train_step(self, inputs, targets):
    self.model.train()
    self.optimizer.zero_grad(set_to_none=True)
    inputs, targets = inputs.to(self.device), targets.to(self.device)
    with self._autocast():
        loss = F.cross_entropy(self.model(inputs), targets)
    self.scaler.scale(loss).backward()
    params = [p for p in self.model.parameters() if p.grad is not None]
    if self.max_grad_norm is not None:
        nn.utils.clip_grad_norm_(params, self.max_grad_norm)
    grads, found_inf = self.scaler.unscale([p.grad for p in params])
    for p, g in zip(params, grads):
        p.grad = g
    skipped = self.scaler.enabled and found_inf
    if skipped:
        self.skipped_steps += 1
    else:
        self.optimizer.step()
        self.step += 1
    scale = self.scaler.update(found_inf)
    return {"loss": loss.item(), "scale": scale, "skipped": skipped}


MixedPrecisionTrainer.train_step = _train_step
