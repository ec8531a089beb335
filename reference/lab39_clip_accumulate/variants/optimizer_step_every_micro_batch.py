"""train_step takes an optimiser step after every micro-batch instead of one per batch."""


def _train_step(self, inputs, targets):
    self.model.train()
    size = self.micro_batch_size or len(inputs)
    total, norm, n = 0.0, 0.0, len(inputs)
    for start, stop in micro_batch_bounds(n, size):
        loss, grads = accumulate_gradients(self.model, inputs[start:stop], targets[start:stop], stop - start, self.loss)
        values = list(grads.values())
        norm = grad_norm(values).item()
        total += loss * (stop - start) / n
        finite = math.isfinite(loss) and all(g is None or bool(torch.isfinite(g).all()) for g in values)
        if not finite:
            self.optimizer.zero_grad(set_to_none=True)
            self.skipped_steps += 1
            return {"loss": loss, "grad_norm": norm, "skipped": True}
        if self.max_grad_norm is not None:
            clipped, _ = clip_grad_norm(values, self.max_grad_norm)
            for p, g in zip(self.model.parameters(), clipped):
                p.grad = g
        self.optimizer.step()
    self.step += 1
    return {"loss": total, "grad_norm": norm, "skipped": False}


Trainer.train_step = _train_step
