"""bert_num_parameters never counts the pooler."""

_real_bert = bert_num_parameters


def bert_num_parameters(config, *, add_pooling_layer=True):
    return _real_bert(config, add_pooling_layer=False)
