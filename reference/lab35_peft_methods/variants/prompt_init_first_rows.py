"""init_token_ids: the prompt is copied from the FIRST k vocabulary rows, whatever the ids."""

_solution_prompt_init = PromptTuningModel.__init__


def _init(self, base_model, num_virtual_tokens, init_token_ids=None):
    _solution_prompt_init(self, base_model, num_virtual_tokens, init_token_ids)
    if init_token_ids is not None:
        with torch.no_grad():
            self.prompt.weight.copy_(self.base.get_input_embeddings().weight[:num_virtual_tokens])


PromptTuningModel.__init__ = _init
