"""Chunk starts come from range(0, n, size - overlap), which adds tail chunks that lie inside the previous one."""


def chunk_spans(n_tokens, size, overlap=0):
    if n_tokens < 0 or size < 1 or not 0 <= overlap < size:
        raise ValueError("need n_tokens >= 0, size >= 1 and 0 <= overlap < size")
    return [(start, min(start + size, n_tokens)) for start in range(0, n_tokens, size - overlap)]
