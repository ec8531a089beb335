"""gqa_attention forgets the 1/sqrt(head_dim) scaling of the scores."""


def gqa_attention(q, k, v):
    heads, kv_heads, seq = q.shape[1], k.shape[1], q.shape[2]
    if heads % kv_heads:
        raise ValueError("kv_heads must divide heads")
    k, v = repeat_kv(k, heads // kv_heads), repeat_kv(v, heads // kv_heads)
    scores = q @ k.transpose(-2, -1)
    future = torch.ones(seq, seq, dtype=torch.bool).triu(1)
    return torch.softmax(scores.masked_fill(future, float("-inf")), dim=-1) @ v
