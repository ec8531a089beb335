"""read_conll keeps -DOCSTART- lines as tokens."""


def read_conll(path):
    sentences, tags, words, labels = [], [], [], []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            columns = line.split()
            if not columns:
                if words:
                    sentences.append(words)
                    tags.append(labels)
                words, labels = [], []
            elif len(columns) < 2:
                raise ValueError(f"line {number}: bad line")
            else:
                words.append(columns[0])
                labels.append(columns[-1])
    if words:
        sentences.append(words)
        tags.append(labels)
    return sentences, tags
