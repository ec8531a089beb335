"""The head reads the LAST POSITION of every row, whatever the mask: right-padded rows are read at a pad token."""


def _forward(self, input_ids, attention_mask=None):
    if attention_mask is None:
        attention_mask = torch.ones_like(input_ids)
    hidden = self.transformer(input_ids=input_ids, attention_mask=attention_mask,
                              position_ids=position_ids_from_mask(attention_mask)).last_hidden_state
    return self.score(hidden[:, -1])


GPTClassifier.forward = _forward
