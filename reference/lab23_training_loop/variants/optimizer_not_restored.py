"""load_checkpoint restores the weights but not the optimiser: AdamW's
moments and step count start from zero after a resume."""


def _load(self, path):
    checkpoint = torch.load(path, map_location="cpu", weights_only=False)
    self.model.load_state_dict(checkpoint["model"])
    self.scheduler.load_state_dict(checkpoint["scheduler"])
    self.step = checkpoint["step"]
    rng = checkpoint["rng"]
    self.generator.set_state(rng["generator"])
    torch.set_rng_state(rng["torch"])
    np.random.set_state(rng["numpy"])
    random.setstate(rng["python"])


Trainer.load_checkpoint = _load
