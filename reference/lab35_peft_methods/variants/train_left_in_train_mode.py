"""train_peft leaves the model in train mode."""

_solution_train = train_peft


def train_peft(model, input_ids, attention_mask, labels, steps, lr=1e-2):
    losses = _solution_train(model, input_ids, attention_mask, labels, steps, lr)
    model.train()
    return losses
