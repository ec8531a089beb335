"""load_checkpoint leaves the training generator freshly seeded: after a
resume the run sees the first batches again."""


def _load(self, path):
    checkpoint = torch.load(path, map_location="cpu", weights_only=False)
    self.model.load_state_dict(checkpoint["model"])
    self.optimizer.load_state_dict(checkpoint["optimizer"])
    self.scheduler.load_state_dict(checkpoint["scheduler"])
    self.step = checkpoint["step"]
    rng = checkpoint["rng"]
    torch.set_rng_state(rng["torch"])
    np.random.set_state(rng["numpy"])
    random.setstate(rng["python"])


Trainer.load_checkpoint = _load
