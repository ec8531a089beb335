"""collate pads the labels with the pad id instead of -100, so the loss is also trained on the padding."""

_collate_reference = collate


def collate(sources, targets, *, pad_token_id=PAD_ID, decoder_start_token_id=PAD_ID):
    batch = _collate_reference(sources, targets, pad_token_id=pad_token_id, decoder_start_token_id=decoder_start_token_id)
    batch["labels"] = batch["labels"].masked_fill(batch["labels"] == IGNORE_INDEX, pad_token_id)
    return batch
