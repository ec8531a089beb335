"""The attention mask is extended with ZEROS for the virtual tokens: the prompt is masked out."""


def _forward(self, input_ids, attention_mask=None, labels=None):
    batch, k = input_ids.shape[0], self.num_virtual_tokens
    prompt = self.prompt.weight.unsqueeze(0).expand(batch, -1, -1)
    embeds = torch.cat([prompt, self.base.get_input_embeddings()(input_ids)], dim=1)
    if attention_mask is not None:
        attention_mask = torch.cat([torch.zeros(batch, k, dtype=attention_mask.dtype), attention_mask], dim=1)
    if labels is not None:
        labels = torch.cat([torch.full((batch, k), -100, dtype=labels.dtype), labels], dim=1)
    out = self.base(inputs_embeds=embeds, attention_mask=attention_mask, labels=labels)
    return _output(out, k)


PromptTuningModel.forward = _forward
