"""A text that already fits the context is returned as it is, without calling the model."""

_reference_map_reduce = map_reduce_summarize


def map_reduce_summarize(text, summarizer, chunk_size=None, overlap=0):
    if len(text.split()) <= summarizer.context_tokens:
        return " ".join(text.split())
    return _reference_map_reduce(text, summarizer, chunk_size, overlap)
