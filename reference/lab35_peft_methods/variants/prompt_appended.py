"""The virtual tokens are APPENDED after the input instead of prepended."""


def _forward(self, input_ids, attention_mask=None, labels=None):
    batch, n = input_ids.shape
    k = self.num_virtual_tokens
    prompt = self.prompt.weight.unsqueeze(0).expand(batch, -1, -1)
    embeds = torch.cat([self.base.get_input_embeddings()(input_ids), prompt], dim=1)
    if attention_mask is not None:
        attention_mask = torch.cat([attention_mask, torch.ones(batch, k, dtype=attention_mask.dtype)], dim=1)
    if labels is not None:
        labels = torch.cat([labels, torch.full((batch, k), -100, dtype=labels.dtype)], dim=1)
    out = self.base(inputs_embeds=embeds, attention_mask=attention_mask, labels=labels)
    return {"logits": out.logits[:, :n], "loss": out.loss}


PromptTuningModel.forward = _forward
