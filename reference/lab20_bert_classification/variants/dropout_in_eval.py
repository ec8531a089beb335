"""The head applies dropout with training=True always, so eval-mode logits are random."""


def _forward(self, input_ids, attention_mask=None):
    if attention_mask is None:
        attention_mask = torch.ones_like(input_ids)
    hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    pooled = pool(hidden, attention_mask, self.pooling)
    if self.pooling == "cls":
        pooled = torch.tanh(self.bert.pooler.dense(pooled))
    return self.classifier(F.dropout(pooled, self.dropout.p, training=True))


BertClassifier.forward = _forward
