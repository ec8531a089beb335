"""The labels are shifted, but -100 stays in the decoder inputs (an invalid token id)."""


def shift_right(labels, decoder_start_token_id=PAD_ID, pad_token_id=PAD_ID):
    if labels.dim() != 2:
        raise ValueError("labels must be 2-D")
    shifted = torch.full_like(labels, decoder_start_token_id)
    shifted[:, 1:] = labels[:, :-1]
    return shifted
