"""The prefix cache is built once and reused: each call appends its tokens to it."""


def _forward(self, input_ids, attention_mask=None, labels=None):
    batch = input_ids.shape[0]
    if not hasattr(self, "_kept"):
        self._kept = self._cache(batch)
    cache = self._kept
    past = cache.get_seq_length()
    if attention_mask is None:
        attention_mask = torch.ones_like(input_ids)
    prefix_mask = torch.ones(batch, past, dtype=attention_mask.dtype)
    out = self.base(input_ids=input_ids, attention_mask=torch.cat([prefix_mask, attention_mask], dim=1),
                    past_key_values=cache, labels=labels, use_cache=True)
    return _output(out)


PrefixTuningModel.forward = _forward
