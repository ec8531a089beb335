"""The checkpoint keeps torch's random states only: numpy's and Python's
global states are not saved, so code that draws from them (augmentation,
shuffling) would not resume exactly."""


def _save(self, path):
    torch.save(
        {
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict(),
            "step": self.step,
            "rng": {"generator": self.generator.get_state(), "torch": torch.get_rng_state()},
        },
        path,
    )


def _load(self, path):
    checkpoint = torch.load(path, map_location="cpu", weights_only=False)
    self.model.load_state_dict(checkpoint["model"])
    self.optimizer.load_state_dict(checkpoint["optimizer"])
    self.scheduler.load_state_dict(checkpoint["scheduler"])
    self.step = checkpoint["step"]
    self.generator.set_state(checkpoint["rng"]["generator"])
    torch.set_rng_state(checkpoint["rng"]["torch"])


Trainer.save_checkpoint = _save
Trainer.load_checkpoint = _load
