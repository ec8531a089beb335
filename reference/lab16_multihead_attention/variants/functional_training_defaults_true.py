"""Gives multi_head_attention_forward the default training=True (as
torch.nn.functional.multi_head_attention_forward has), so a call with
dropout_p > 0 and no training argument drops weights."""

_reference_multi_head_attention_forward = multi_head_attention_forward


def multi_head_attention_forward(*args, training=True, **kwargs):
    return _reference_multi_head_attention_forward(*args, training=training, **kwargs)
