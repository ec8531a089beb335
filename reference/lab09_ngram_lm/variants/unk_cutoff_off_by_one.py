"""Keeps only words seen MORE than unk_cutoff times (count > cutoff instead of
count >= cutoff), so with the default cutoff 1 every word seen once becomes
<UNK>."""


def _fit_unk_cutoff_off_by_one(self, sentences):
    padded = [pad_sentence(sentence, self.order) for sentence in sentences]
    if not any(padded):
        raise ValueError("cannot fit a model on no words")
    frequencies = Counter(word for sentence in padded for word in sentence)
    self._vocab = frozenset(w for w, c in frequencies.items() if c > self.unk_cutoff) | {UNK}
    self._counts = Counter(
        gram for sentence in padded for gram in everygrams([self.lookup(w) for w in sentence], self.order)
    )
    self._context_total = Counter()
    self._context_types = Counter()
    for gram, count in self._counts.items():
        self._context_total[gram[:-1]] += count
        self._context_types[gram[:-1]] += 1
    self._continuation = Counter(gram[1:] for gram in self._counts if len(gram) >= 2)
    self._continuation_total = Counter()
    self._continuation_types = Counter()
    for gram, count in self._continuation.items():
        self._continuation_total[gram[:-1]] += count
        self._continuation_types[gram[:-1]] += 1


NgramLM.fit = _fit_unk_cutoff_off_by_one
