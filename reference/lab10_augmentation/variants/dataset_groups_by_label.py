"""augment_dataset collects the copies in a dict keyed by label.

Labels are supposed to be any value and never looked at, but a dict key
must be hashable: a list or dict label makes it fail with TypeError.
"""


def augment_dataset(examples, lexicon, num_aug=4, alpha_sr=0.1, alpha_ri=0.1, alpha_rs=0.1, p_rd=0.1, seed=0, protected=()):
    rates = (alpha_sr, alpha_ri, alpha_rs, p_rd)
    if num_aug < 0 or min(rates) < 0 or p_rd > 1 or max(rates) <= 0:
        raise ValueError("invalid num_aug or rates (see eda)")
    rng = random.Random(seed)
    seen_labels = {}
    augmented = []
    for text, label in examples:
        seen_labels[label] = seen_labels.get(label, 0) + 1
        augmented.append((text, label))
        copies = eda(text, lexicon, num_aug, alpha_sr, alpha_ri, alpha_rs, p_rd, rng.randrange(2**32), protected)
        augmented.extend((copy, label) for copy in copies)
    return augmented
