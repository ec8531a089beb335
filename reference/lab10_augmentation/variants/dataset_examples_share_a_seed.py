"""augment_dataset calls eda with the same seed for every example.

Examples with the same text (duplicates are common in real data sets) get
exactly the same augmented copies, which adds no variety.
"""


def augment_dataset(examples, lexicon, num_aug=4, alpha_sr=0.1, alpha_ri=0.1, alpha_rs=0.1, p_rd=0.1, seed=0, protected=()):
    rates = (alpha_sr, alpha_ri, alpha_rs, p_rd)
    if num_aug < 0 or min(rates) < 0 or p_rd > 1 or max(rates) <= 0:
        raise ValueError("invalid num_aug or rates (see eda)")
    augmented = []
    for text, label in examples:
        augmented.append((text, label))
        augmented.extend((copy, label) for copy in eda(text, lexicon, num_aug, alpha_sr, alpha_ri, alpha_rs, p_rd, seed, protected))
    return augmented
