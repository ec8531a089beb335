"""train_step never zeroes the gradients: they accumulate over the steps."""


def _train_step(self):
    self.model.train()
    x, y = get_batch(self.train_tokens, self.batch_size, self.context_length, self.device, self.generator)
    loss = cross_entropy(self.model(x), y)
    loss.backward()
    if self.grad_clip is not None:
        nn.utils.clip_grad_norm_(self.model.parameters(), self.grad_clip)
    self.optimizer.step()
    self.scheduler.step()
    self.step += 1
    return loss.item()


Trainer.train_step = _train_step
