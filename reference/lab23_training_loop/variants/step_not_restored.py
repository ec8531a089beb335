"""load_checkpoint does not restore the step counter: a resumed run counts
from 0 again, so its history's steps and its evaluation schedule are off."""


def _load(self, path):
    checkpoint = torch.load(path, map_location="cpu", weights_only=False)
    self.model.load_state_dict(checkpoint["model"])
    self.optimizer.load_state_dict(checkpoint["optimizer"])
    self.scheduler.load_state_dict(checkpoint["scheduler"])
    rng = checkpoint["rng"]
    self.generator.set_state(rng["generator"])
    torch.set_rng_state(rng["torch"])
    np.random.set_state(rng["numpy"])
    random.setstate(rng["python"])


Trainer.load_checkpoint = _load
