"""evaluate switches the model to eval mode and never back: after the first
evaluation the training steps that follow run without dropout... unless
train_step switches it back itself. Here train_step relies on evaluate."""


@torch.no_grad()
def _evaluate(self):
    self.model.eval()
    g = torch.Generator().manual_seed(self.seed + 1)
    total = 0.0
    for _ in range(self.eval_batches):
        x, y = get_batch(self.val_tokens, self.batch_size, self.context_length, self.device, g)
        total += cross_entropy(self.model(x), y).item()
    return total / self.eval_batches


def _train_step(self):
    x, y = get_batch(self.train_tokens, self.batch_size, self.context_length, self.device, self.generator)
    loss = cross_entropy(self.model(x), y)
    self.optimizer.zero_grad(set_to_none=True)
    loss.backward()
    if self.grad_clip is not None:
        nn.utils.clip_grad_norm_(self.model.parameters(), self.grad_clip)
    self.optimizer.step()
    self.scheduler.step()
    self.step += 1
    return loss.item()


Trainer.evaluate = _evaluate
Trainer.train_step = _train_step
