"""The decoder inputs are the labels themselves (only -100 replaced): the decoder sees the token it must predict."""


def shift_right(labels, decoder_start_token_id=PAD_ID, pad_token_id=PAD_ID):
    if labels.dim() != 2:
        raise ValueError("labels must be 2-D")
    return labels.masked_fill(labels == IGNORE_INDEX, pad_token_id)
