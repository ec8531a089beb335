"""load_checkpoint restores everything but torch's global RNG: the dropout
masks after a resume differ from those of the uninterrupted run."""


def _load(self, path):
    checkpoint = torch.load(path, map_location="cpu", weights_only=False)
    self.model.load_state_dict(checkpoint["model"])
    self.optimizer.load_state_dict(checkpoint["optimizer"])
    self.scheduler.load_state_dict(checkpoint["scheduler"])
    self.step = checkpoint["step"]
    rng = checkpoint["rng"]
    self.generator.set_state(rng["generator"])
    np.random.set_state(rng["numpy"])
    random.setstate(rng["python"])


Trainer.load_checkpoint = _load
