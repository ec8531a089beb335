"""augment_dataset leaves the argument checks to eda.

With at least one example the error comes from eda, but an empty data set
with bad rates (or num_aug < 0) is accepted silently.
"""


def augment_dataset(examples, lexicon, num_aug=4, alpha_sr=0.1, alpha_ri=0.1, alpha_rs=0.1, p_rd=0.1, seed=0, protected=()):
    rng = random.Random(seed)
    augmented = []
    for text, label in examples:
        augmented.append((text, label))
        copies = eda(text, lexicon, num_aug, alpha_sr, alpha_ri, alpha_rs, p_rd, rng.randrange(2**32), protected)
        augmented.extend((copy, label) for copy in copies)
    return augmented
