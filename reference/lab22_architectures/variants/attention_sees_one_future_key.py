"""gqa_attention's causal mask is off by one: triu(2) lets each position see the next key too."""


def gqa_attention(q, k, v):
    heads, kv_heads, seq, head_dim = q.shape[1], k.shape[1], q.shape[2], q.shape[3]
    if heads % kv_heads:
        raise ValueError("kv_heads must divide heads")
    k, v = repeat_kv(k, heads // kv_heads), repeat_kv(v, heads // kv_heads)
    scores = q @ k.transpose(-2, -1) / math.sqrt(head_dim)
    future = torch.ones(seq, seq, dtype=torch.bool).triu(2)
    scores = scores.masked_fill(future, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v
