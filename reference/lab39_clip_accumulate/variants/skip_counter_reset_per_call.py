"""skipped_steps is set to 1 at each skip instead of counting across calls."""


def _train_step(self, inputs: torch.Tensor, targets: torch.Tensor) -> dict:
    """see the reference"""
    self.model.train()
    size = self.micro_batch_size or len(inputs)
    loss, grads = accumulate_gradients(self.model, inputs, targets, size, self.loss)
    values = list(grads.values())
    norm = grad_norm(values).item()
    finite = math.isfinite(loss) and all(g is None or bool(torch.isfinite(g).all()) for g in values)
    if not finite:
        self.optimizer.zero_grad(set_to_none=True)
        self.skipped_steps = 1
        return {"loss": loss, "grad_norm": norm, "skipped": True}
    if self.max_grad_norm is not None:
        clipped, _ = clip_grad_norm(values, self.max_grad_norm)
        for p, g in zip(self.model.parameters(), clipped):
            p.grad = g
    self.optimizer.step()
    self.step += 1
    return {"loss": loss, "grad_norm": norm, "skipped": False}


Trainer.train_step = _train_step
