"""The trailing sentence without an end token stays at the end; only the complete sentences are shuffled."""


def permute_sentences(tokens, end_id, generator=None):
    sentences = [[]]
    for token in tokens:
        sentences[-1].append(token)
        if token == end_id:
            sentences.append([])
    tail = sentences.pop()
    order = torch.randperm(len(sentences), generator=generator).tolist()
    return [token for index in order for token in sentences[index]] + tail
