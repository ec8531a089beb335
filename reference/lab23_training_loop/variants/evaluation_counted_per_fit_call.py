"""fit decides when to evaluate from a counter local to the call: the
evaluation schedule restarts at every fit call (and after a resume)."""


def _fit(self, num_steps):
    if num_steps < 0:
        raise ValueError("num_steps must be >= 0")
    history = []
    for i in range(1, num_steps + 1):
        lr = self.optimizer.param_groups[0]["lr"]
        loss = self.train_step()
        due = self.eval_every is not None and i % self.eval_every == 0
        history.append({"step": self.step, "loss": loss, "lr": lr, "val_loss": self.evaluate() if due else None})
    return history


Trainer.fit = _fit
