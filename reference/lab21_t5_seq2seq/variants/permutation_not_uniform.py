"""Sentences are shuffled by swapping each with a random position in the whole list (the naive shuffle): some orders are more likely than others."""


def permute_sentences(tokens, end_id, generator=None):
    sentences = [[]]
    for token in tokens:
        sentences[-1].append(token)
        if token == end_id:
            sentences.append([])
    if not sentences[-1]:
        sentences.pop()
    n = len(sentences)
    for i in range(n):
        j = int(torch.randint(n, (1,), generator=generator))
        sentences[i], sentences[j] = sentences[j], sentences[i]
    return [token for sentence in sentences for token in sentence]
