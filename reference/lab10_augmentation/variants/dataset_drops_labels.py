"""The data set is built as two parallel lists, but a label is appended once per example, not once per copy.

``zip`` then pairs copies with the labels of other examples and silently
drops the pairs at the end.
"""


def augment_dataset(examples, lexicon, num_aug=4, alpha_sr=0.1, alpha_ri=0.1, alpha_rs=0.1, p_rd=0.1, seed=0, protected=()):
    rng = random.Random(seed)
    texts, labels = [], []
    for text, label in examples:
        texts.append(text)
        labels.append(label)
        texts.extend(eda(text, lexicon, num_aug, alpha_sr, alpha_ri, alpha_rs, p_rd, rng.randrange(2**32), protected))
    return list(zip(texts, labels))
