"""The caller's mask is used unextended when given: the prefix is not marked as attendable."""


def _forward(self, input_ids, attention_mask=None, labels=None):
    batch = input_ids.shape[0]
    if attention_mask is None:
        attention_mask = torch.ones_like(input_ids)
    prefix_mask = attention_mask[:, :1].expand(batch, self.num_virtual_tokens)
    out = self.base(input_ids=input_ids, attention_mask=torch.cat([prefix_mask, attention_mask], dim=1),
                    past_key_values=self._cache(batch), labels=labels, use_cache=False)
    return _output(out)


PrefixTuningModel.forward = _forward
