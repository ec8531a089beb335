"""The checkpoint leaves out the scheduler: after a resume the learning-rate
schedule starts again from the warmup."""


def _save(self, path):
    torch.save(
        {
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "step": self.step,
            "rng": {
                "generator": self.generator.get_state(),
                "torch": torch.get_rng_state(),
                "numpy": np.random.get_state(),
                "python": random.getstate(),
            },
        },
        path,
    )


def _load(self, path):
    checkpoint = torch.load(path, map_location="cpu", weights_only=False)
    self.model.load_state_dict(checkpoint["model"])
    self.optimizer.load_state_dict(checkpoint["optimizer"])
    self.step = checkpoint["step"]
    rng = checkpoint["rng"]
    self.generator.set_state(rng["generator"])
    torch.set_rng_state(rng["torch"])
    np.random.set_state(rng["numpy"])
    random.setstate(rng["python"])


Trainer.save_checkpoint = _save
Trainer.load_checkpoint = _load
