"""init_token_ids: each id is repeated in place ([5, 7] -> 5, 5, 5, 7, 7) instead of the list cycled."""

_solution_prompt_init = PromptTuningModel.__init__


def _init(self, base_model, num_virtual_tokens, init_token_ids=None):
    _solution_prompt_init(self, base_model, num_virtual_tokens, init_token_ids)
    if init_token_ids is not None:
        ids = list(init_token_ids)
        reps = -(-num_virtual_tokens // len(ids))
        rows = torch.tensor(ids).repeat_interleave(reps)[:num_virtual_tokens]
        with torch.no_grad():
            self.prompt.weight.copy_(self.base.get_input_embeddings().weight[rows])


PromptTuningModel.__init__ = _init
