"""The model itself is converted to the low-precision dtype: no float32 master weights."""

_original_init = MixedPrecisionTrainer.__init__


def _init(self, state_dict, **kwargs):
    _original_init(self, state_dict, **kwargs)
    if self.autocast_dtype is not None:
        self.model.to(self.autocast_dtype)


def _forward(self, inputs):
    with torch.no_grad(), self._autocast():
        return self.model(inputs.to(self.device).to(self.model.fc1.weight.dtype)).cpu()


def _train_step(self, inputs, targets):
    self.model.train()
    self.optimizer.zero_grad(set_to_none=True)
    inputs, targets = inputs.to(self.device).to(self.model.fc1.weight.dtype), targets.to(self.device)
    with self._autocast():
        loss = F.cross_entropy(self.model(inputs), targets)
    self.scaler.scale(loss).backward()
    params = [p for p in self.model.parameters() if p.grad is not None]
    grads, found_inf = self.scaler.unscale([p.grad for p in params])
    for p, g in zip(params, grads):
        p.grad = g
    if self.max_grad_norm is not None:
        nn.utils.clip_grad_norm_(params, self.max_grad_norm)
    skipped = self.scaler.enabled and found_inf
    if skipped:
        self.skipped_steps += 1
    else:
        self.optimizer.step()
        self.step += 1
    scale = self.scaler.update(found_inf)
    return {"loss": loss.item(), "scale": scale, "skipped": skipped}


MixedPrecisionTrainer.__init__ = _init
MixedPrecisionTrainer.forward = _forward
MixedPrecisionTrainer.train_step = _train_step
