"""eda passes its own seed to every operation instead of drawing one per copy.

Copies made by the same operation in one call (copy j and copy j + 4) are
identical, so num_aug = 8 gives only four different sentences.
"""


def eda(text, lexicon, num_aug=4, alpha_sr=0.1, alpha_ri=0.1, alpha_rs=0.1, p_rd=0.1, seed=0, protected=()):
    rates = (alpha_sr, alpha_ri, alpha_rs, p_rd)
    if num_aug < 0 or min(rates) < 0 or p_rd > 1:
        raise ValueError("invalid num_aug or rates")
    active = [op for op, rate in zip(OPERATIONS, rates) if rate > 0]
    if not active:
        raise ValueError("at least one rate must be positive")
    words = text.split()
    copies = []
    for j in range(num_aug):
        op = active[j % len(active)]
        if op == "sr":
            new = synonym_replacement(words, num_changes(alpha_sr, len(words)), lexicon, seed, protected)
        elif op == "ri":
            new = random_insertion(words, num_changes(alpha_ri, len(words)), lexicon, seed, protected)
        elif op == "rs":
            new = random_swap(words, num_changes(alpha_rs, len(words)), seed, protected)
        else:
            new = random_deletion(words, p_rd, seed, protected)
        copies.append(" ".join(new))
    return copies
