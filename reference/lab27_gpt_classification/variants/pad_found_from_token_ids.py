"""The last real token is found from the ids (rightmost id != eos, GPT-2's pad), not from the mask: breaks when pad == eos occurs in the text."""


def _forward(self, input_ids, attention_mask=None):
    if attention_mask is None:
        attention_mask = torch.ones_like(input_ids)
    hidden = self.transformer(input_ids=input_ids, attention_mask=attention_mask,
                              position_ids=position_ids_from_mask(attention_mask)).last_hidden_state
    pad_id = self.transformer.config.eos_token_id
    not_pad = (input_ids != pad_id).long()
    index = (torch.arange(input_ids.shape[1]) * not_pad).argmax(-1)
    return self.score(hidden[torch.arange(len(input_ids)), index])


GPTClassifier.forward = _forward
