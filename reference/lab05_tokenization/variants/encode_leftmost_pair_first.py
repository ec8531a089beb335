"""Encoding merges the leftmost adjacent pair that is in the merges table,
instead of the pair of lowest rank."""


def _apply_ranked_merges(piece, ranks):
    tokens = [bytes([b]) for b in piece]
    while True:
        for i, pair in enumerate(zip(tokens, tokens[1:])):
            if pair in ranks:
                tokens[i : i + 2] = [pair[0] + pair[1]]
                break
        else:
            return tokens
