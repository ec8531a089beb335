"""Labels are not extended with -100: the loss is computed on the real positions' logits only, so the first
real token is never predicted from the last virtual position."""


def _forward(self, input_ids, attention_mask=None, labels=None):
    batch, k = input_ids.shape[0], self.num_virtual_tokens
    prompt = self.prompt.weight.unsqueeze(0).expand(batch, -1, -1)
    embeds = torch.cat([prompt, self.base.get_input_embeddings()(input_ids)], dim=1)
    if attention_mask is not None:
        attention_mask = torch.cat([torch.ones(batch, k, dtype=attention_mask.dtype), attention_mask], dim=1)
    logits = self.base(inputs_embeds=embeds, attention_mask=attention_mask).logits[:, k:]
    loss = None
    if labels is not None:
        loss = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), labels[:, 1:].reshape(-1),
                                                 ignore_index=-100)
    return {"logits": logits, "loss": loss}


PromptTuningModel.forward = _forward
