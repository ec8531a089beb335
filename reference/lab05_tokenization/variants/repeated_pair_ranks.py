"""Ranks built with a dict comprehension (a repeated pair gets the rank of its
last occurrence) and ``len(ranks)`` for pairs that are in no merge: with a
repeated pair that number is also a real rank, so an unknown pair can be
chosen and BPE stops early (the bug the reference once had)."""


def apply_merges(piece, merges):
    ranks = {pair: rank for rank, pair in enumerate(merges)}
    tokens = [bytes([b]) for b in piece]
    while len(tokens) > 1:
        best = min(zip(tokens, tokens[1:]), key=lambda pair: ranks.get(pair, len(ranks)))
        if best not in ranks:
            break
        tokens = list(_merge_word(tuple(tokens), best, best[0] + best[1]))
    return tokens
