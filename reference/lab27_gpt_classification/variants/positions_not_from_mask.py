"""forward gives the transformer no position ids: GPT-2 numbers positions 0..seq-1, so left padding shifts every position."""


def _forward(self, input_ids, attention_mask=None):
    if attention_mask is None:
        attention_mask = torch.ones_like(input_ids)
    hidden = self.transformer(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    return self.score(hidden[torch.arange(hidden.shape[0]), last_token_index(attention_mask)])


GPTClassifier.forward = _forward
