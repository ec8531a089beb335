"""BM25 counts a query term once per occurrence in the query instead of once."""


def _scores(self, query):
    out = []
    for counts, length in zip(self.term_counts, self.lengths):
        score = 0.0
        for term in tokenize(query):
            tf = counts[term]
            if tf:
                norm = 1 - self.b + self.b * length / self.avgdl
                score += self.idf(term) * tf * (self.k1 + 1) / (tf + self.k1 * norm)
        out.append(score)
    return out


BM25.scores = _scores
