"""evaluate forgets model.eval(): dropout stays on while evaluating, so the
validation loss is noisy and draws from torch's global RNG (which also
changes the following training steps)."""


@torch.no_grad()
def _evaluate(self):
    g = torch.Generator().manual_seed(self.seed + 1)
    total = 0.0
    for _ in range(self.eval_batches):
        x, y = get_batch(self.val_tokens, self.batch_size, self.context_length, self.device, g)
        total += cross_entropy(self.model(x), y).item()
    return total / self.eval_batches


Trainer.evaluate = _evaluate
