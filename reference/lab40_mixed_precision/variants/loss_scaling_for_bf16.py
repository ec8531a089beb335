"""Loss scaling (and skipping) is switched on for bf16 as well as fp16."""

_original_init = MixedPrecisionTrainer.__init__


def _init(self, state_dict, **kwargs):
    _original_init(self, state_dict, **kwargs)
    if self.autocast_dtype == torch.bfloat16:
        self.scaler.enabled = True


MixedPrecisionTrainer.__init__ = _init
