"""sequence_logprobs averages the response tokens' log-probs instead of summing them."""


def sequence_logprobs(logits, labels, prompt_lengths, attention_mask=None):
    if logits.dim() != 3:
        raise ValueError("logits must be 3-D")
    batch, seq, _ = logits.shape
    if tuple(labels.shape) != (batch, seq):
        raise ValueError("bad labels")
    lengths = torch.as_tensor(prompt_lengths, dtype=torch.long).reshape(-1)
    if lengths.numel() != batch or bool(((lengths < 1) | (lengths > seq)).any()):
        raise ValueError("bad prompt lengths")
    keep = torch.arange(1, seq)[None, :] >= lengths[:, None]
    if attention_mask is not None:
        if tuple(attention_mask.shape) != (batch, seq):
            raise ValueError("bad mask")
        keep = keep & (attention_mask[:, 1:] != 0)
    token_logps = logits[:, :-1].log_softmax(dim=-1).gather(-1, labels[:, 1:, None].long()).squeeze(-1)
    total = torch.where(keep, token_logps, torch.zeros_like(token_logps)).sum(dim=-1)
    return total / keep.sum(dim=-1).clamp(min=1)
