"""PromptTuningModel never freezes the base model."""

_solution_prompt_init = PromptTuningModel.__init__


def _init(self, base_model, num_virtual_tokens, init_token_ids=None):
    _solution_prompt_init(self, base_model, num_virtual_tokens, init_token_ids)
    for p in self.base.parameters():
        p.requires_grad_(True)


PromptTuningModel.__init__ = _init
