"""The real tokens are numbered 0, 1, ... instead of k, k + 1, ... (peft's and the cache's convention)."""


def _forward(self, input_ids, attention_mask=None, labels=None):
    batch, n = input_ids.shape
    if attention_mask is None:
        attention_mask = torch.ones_like(input_ids)
    prefix_mask = torch.ones(batch, self.num_virtual_tokens, dtype=attention_mask.dtype)
    out = self.base(input_ids=input_ids, attention_mask=torch.cat([prefix_mask, attention_mask], dim=1),
                    position_ids=torch.arange(n).expand(batch, -1),
                    past_key_values=self._cache(batch), labels=labels, use_cache=False)
    return _output(out)


PrefixTuningModel.forward = _forward
