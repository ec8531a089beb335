"""evaluate draws its batches from the training generator: every evaluation
sees other windows and shifts the training batches that follow."""


@torch.no_grad()
def _evaluate(self):
    was_training = self.model.training
    self.model.eval()
    total = 0.0
    for _ in range(self.eval_batches):
        x, y = get_batch(self.val_tokens, self.batch_size, self.context_length, self.device, self.generator)
        total += cross_entropy(self.model(x), y).item()
    self.model.train(was_training)
    return total / self.eval_batches


Trainer.evaluate = _evaluate
