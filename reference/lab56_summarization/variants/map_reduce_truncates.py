"""After one map round the joined summaries are truncated to the context instead of being reduced again."""


def map_reduce_summarize(text, summarizer, chunk_size=None, overlap=0):
    context = summarizer.context_tokens
    size = context if chunk_size is None else chunk_size
    if not 1 <= size <= context or not 0 <= overlap < size:
        raise ValueError("bad chunk_size or overlap")
    tokens = text.split()
    if len(tokens) > context:
        summaries = [summarizer(" ".join(tokens[a:b])) for a, b in chunk_spans(len(tokens), size, overlap)]
        tokens = " ".join(summaries).split()
        if len(tokens) > context:
            tokens = tokens[:context]
    return summarizer(" ".join(tokens))
