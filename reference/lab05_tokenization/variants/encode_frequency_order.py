"""Encoding applies merges by frequency instead of rank: at each step it merges
the adjacent pair that occurs most often in the piece (ties by rank), so the
order of the merges list is only a tie-break."""


def _apply_ranked_merges(piece, ranks):
    tokens = [bytes([b]) for b in piece]
    while len(tokens) > 1:
        counts = Counter(pair for pair in zip(tokens, tokens[1:]) if pair in ranks)
        if not counts:
            break
        best = min(counts, key=lambda pair: (-counts[pair], ranks[pair]))
        tokens = list(_merge_word(tuple(tokens), best, best[0] + best[1]))
    return tokens
