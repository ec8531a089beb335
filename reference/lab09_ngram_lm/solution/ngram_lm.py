"""Lab 09: n-gram language models.

An n-gram model predicts the next word from the previous ``order - 1``
words. You will build one from scratch: pad and count the training
sentences, build a vocabulary with an unknown-word token, estimate
probabilities with several smoothing methods (maximum likelihood, add-k,
interpolated Kneser-Ney) and with stupid backoff, evaluate a model with
cross-entropy and perplexity, and generate text by seeded sampling.

The conventions are those of ``nltk.lm`` (the tests compare with it):
sentences are padded with ``order - 1`` start symbols and ``order - 1``
end symbols (``nltk.lm.preprocessing.pad_both_ends``), the model counts
every n-gram of orders 1 to ``order`` (``everygrams``), and the vocabulary
is built from the padded training sentences. The one deliberate divergence
from nltk is documented in :class:`NgramLM` (Kneser-Ney lower-order
weights).

Keep the public names and signatures below; add any private helpers
(functions or methods whose names start with ``_``) you like. Plain Python
is enough (no numpy needed). Do not use nltk or another language-model
library in your solution: the point is to build the model yourself.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence

BOS = "<s>"
"""Start-of-sentence padding symbol."""
EOS = "</s>"
"""End-of-sentence padding symbol."""
UNK = "<UNK>"
"""The unknown-word token that rare and unseen words are mapped to."""
SMOOTHINGS = ("mle", "add_k", "laplace", "kneser_ney", "stupid_backoff")
"""The values accepted by ``NgramLM(smoothing=...)``."""


def _check_order(order: int) -> None:
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise ValueError(f"order must be an integer >= 1, got {order!r}")


def pad_sentence(sentence: Sequence[str], order: int) -> list[str]:
    """Pad a sentence for an n-gram model of the given order.

    Returns a new list: ``order - 1`` copies of ``BOS``, the words of
    ``sentence``, then ``order - 1`` copies of ``EOS`` (exactly like
    ``nltk.lm.preprocessing.pad_both_ends(sentence, n=order)``). An order-1
    model gets no padding; an empty sentence gives only the padding.

    >>> pad_sentence(["a", "b"], 3)
    ['<s>', '<s>', 'a', 'b', '</s>', '</s>']

    Raises ``ValueError`` if ``order`` is not an integer >= 1.
    """
    _check_order(order)
    return [BOS] * (order - 1) + list(sentence) + [EOS] * (order - 1)


def everygrams(tokens: Sequence[str], max_order: int) -> list[tuple[str, ...]]:
    """All n-grams of ``tokens`` with lengths 1 to ``max_order``, as tuples.

    Ordered by start position, and for one start position by increasing
    length (the order of ``nltk.util.everygrams``). No padding is added here.

    >>> everygrams(["a", "b", "c"], 2)
    [('a',), ('a', 'b'), ('b',), ('b', 'c'), ('c',)]

    Raises ``ValueError`` if ``max_order`` is not an integer >= 1.
    """
    _check_order(max_order)
    tokens = tuple(tokens)
    return [
        tokens[start : start + length]
        for start in range(len(tokens))
        for length in range(1, min(max_order, len(tokens) - start) + 1)
    ]


def count_ngrams(sentences: Iterable[Sequence[str]], order: int) -> dict[tuple[str, ...], int]:
    """Count the n-grams of orders 1 to ``order`` of the padded sentences.

    Each sentence is padded with :func:`pad_sentence` and contributes its
    :func:`everygrams` up to ``order``; n-grams never cross sentence
    boundaries. Returns ``{ngram_tuple: count}`` with only positive counts.
    Words are counted as they are (no ``<UNK>`` mapping here).

    Raises ``ValueError`` if ``order`` is not an integer >= 1.
    """
    _check_order(order)
    return dict(Counter(gram for sentence in sentences for gram in everygrams(pad_sentence(sentence, order), order)))


class NgramLM:
    """An n-gram language model over words.

    ``NgramLM(order, smoothing="mle", *, k=1.0, discount=0.1, alpha=0.4, unk_cutoff=1)``

    - ``order``: n, an integer >= 1 (2 is a bigram model).
    - ``smoothing``: one of :data:`SMOOTHINGS`:
      ``"mle"`` (relative frequencies), ``"add_k"`` (Lidstone, adds ``k``),
      ``"laplace"`` (add-k with k = 1, whatever ``k`` says),
      ``"kneser_ney"`` (interpolated Kneser-Ney with absolute ``discount``;
      needs ``order >= 2``), ``"stupid_backoff"`` (backoff factor ``alpha``).
    - ``k`` > 0, ``0 <= discount <= 1``, ``alpha`` > 0,
      ``unk_cutoff`` an integer >= 1. All parameters are checked here, whatever
      the smoothing: a bad value raises ``ValueError``.

    **Training** (:meth:`fit`). Every sentence is padded (:func:`pad_sentence`).
    The vocabulary holds every word (pad symbols included) that occurs at
    least ``unk_cutoff`` times in the padded training sentences, plus
    ``UNK`` (always). Every other word is mapped to ``UNK``, in training
    and when the model is queried. The model stores the counts of all
    n-grams of orders 1..n of the mapped, padded sentences (:meth:`counts`).
    V below is ``len(self.vocabulary())``.

    **Contexts.** ``score(word, context)`` maps ``word`` and the context words
    through :meth:`lookup`, then uses only the last ``order - 1`` context
    words (a longer context is truncated; an order-1 model ignores the
    context). A shorter context is allowed and gives the model of that lower
    order (the empty context gives the unigram level). Write
    ``c(h w)`` for the count of the n-gram ``h + (w,)`` and
    ``c(h) = sum over w of c(h w)`` (so ``c(())`` is the number of unigram
    tokens, pads included). "h is seen" means ``c(h) > 0``.

    - ``"mle"``: ``c(h w) / c(h)``; an unseen context gives 0.0 for every word.
    - ``"add_k"`` / ``"laplace"``: ``(c(h w) + k) / (c(h) + k * V)``; an unseen
      context gives the uniform 1 / V.
    - ``"stupid_backoff"``: ``S(w | h) = c(h w) / c(h)`` if ``c(h w) > 0``, else
      ``alpha * S(w | h[1:])``; at the empty context, ``c(w) / c(())``. This is
      a *score*, not a probability: it does not sum to 1 over the vocabulary.
    - ``"kneser_ney"`` (interpolated, discount d), recursively:

      * empty context: the continuation probability
        ``N1+(. w) / N1+(. .)``, where ``N1+(. w)`` is the number of distinct
        words v with ``c(v w) > 0`` and ``N1+(. .)`` the number of distinct
        bigram types. (No interpolation with the uniform distribution: a word
        that never follows anything, such as an unused ``UNK``, gets 0.)
      * context h of length ``order - 1`` (highest order), using raw counts:
        ``P(w | h) = max(c(h w) - d, 0) / c(h) + gamma(h) * P(w | h[1:])``,
        ``gamma(h) = d * T(h) / c(h)``, with ``T(h)`` the number of distinct
        words w with ``c(h w) > 0``.
      * non-empty context h shorter than ``order - 1`` (lower orders), using
        continuation counts ``N1+(. h w)`` (distinct v with ``c(v h w) > 0``):
        ``P(w | h) = max(N1+(. h w) - d, 0) / N1+(. h .) + gamma(h) * P(w | h[1:])``
        with ``N1+(. h .) = sum over w of N1+(. h w)`` and
        ``gamma(h) = d * T'(h) / N1+(. h .)``, ``T'(h)`` the number of distinct
        w with ``N1+(. h w) > 0``.
      * a context that is not seen (``c(h) == 0``; at lower orders also when
        ``N1+(. h .) == 0``) gives all its weight to the shorter context:
        ``P(w | h) = P(w | h[1:])``.

      This equals ``nltk.lm.KneserNeyInterpolated`` except for one thing:
      at lower orders nltk takes ``T(h)`` (raw followers) where we take
      ``T'(h)``. They differ only for the all-``<s>`` lower-order context of
      models of order >= 3 (e.g. ``("<s>",)`` in a trigram model: the bigram
      ``<s> <s>`` cannot be extended to the left), where nltk's distribution
      sums to slightly more than 1. With ``T'(h)`` every distribution sums to 1.

    Distributions over the vocabulary sum to 1 for "mle", "add_k", "laplace"
    and "kneser_ney" at every seen context (and at unseen contexts too, except
    for "mle").

    **Evaluation.** :meth:`entropy` and :meth:`perplexity` score the n-grams of
    order exactly n of the padded test sentences (as nltk's ``entropy`` and
    ``perplexity`` do when given those n-grams), averaging over all n-grams
    of all sentences.

    Methods other than :meth:`fit` raise ``RuntimeError`` before the model
    is fitted.
    """

    def __init__(
        self,
        order: int,
        smoothing: str = "mle",
        *,
        k: float = 1.0,
        discount: float = 0.1,
        alpha: float = 0.4,
        unk_cutoff: int = 1,
    ) -> None:
        """Check and store the hyper-parameters (see the class docstring);
        raise ``ValueError`` for a bad one. The model is not fitted yet."""
        _check_order(order)
        if smoothing not in SMOOTHINGS:
            raise ValueError(f"smoothing must be one of {SMOOTHINGS}, got {smoothing!r}")
        if smoothing == "kneser_ney" and order < 2:
            raise ValueError("Kneser-Ney smoothing needs order >= 2")
        if not k > 0:
            raise ValueError(f"k must be > 0, got {k!r}")
        if not 0 <= discount <= 1:
            raise ValueError(f"discount must be in [0, 1], got {discount!r}")
        if not alpha > 0:
            raise ValueError(f"alpha must be > 0, got {alpha!r}")
        if isinstance(unk_cutoff, bool) or not isinstance(unk_cutoff, int) or unk_cutoff < 1:
            raise ValueError(f"unk_cutoff must be an integer >= 1, got {unk_cutoff!r}")
        self.order = order
        self.smoothing = smoothing
        self.k = 1.0 if smoothing == "laplace" else float(k)
        self.discount = float(discount)
        self.alpha = float(alpha)
        self.unk_cutoff = unk_cutoff
        self._vocab: frozenset[str] | None = None

    # ---- training ------------------------------------------------------------------------------

    def fit(self, sentences: Iterable[Sequence[str]]) -> None:
        """Train on ``sentences`` (a list of sentences, each a list of words).

        Builds the vocabulary and the counts described in the class
        docstring; fitting again replaces the previous model. Returns None.
        Raises ``ValueError`` if there are no words to count (no sentences,
        or only empty sentences in an order-1 model).
        """
        padded = [pad_sentence(sentence, self.order) for sentence in sentences]
        if not any(padded):
            raise ValueError("cannot fit a model on no words")
        frequencies = Counter(word for sentence in padded for word in sentence)
        self._vocab = frozenset(w for w, c in frequencies.items() if c >= self.unk_cutoff) | {UNK}
        self._counts = Counter(
            gram for sentence in padded for gram in everygrams([self.lookup(w) for w in sentence], self.order)
        )
        # c(h) and T(h) for every context h that is followed by something
        self._context_total: Counter[tuple[str, ...]] = Counter()
        self._context_types: Counter[tuple[str, ...]] = Counter()
        for gram, count in self._counts.items():
            self._context_total[gram[:-1]] += count
            self._context_types[gram[:-1]] += 1
        # Kneser-Ney continuation counts N1+(. g) for n-grams g of orders 1..n-1
        self._continuation: Counter[tuple[str, ...]] = Counter(gram[1:] for gram in self._counts if len(gram) >= 2)
        self._continuation_total: Counter[tuple[str, ...]] = Counter()
        self._continuation_types: Counter[tuple[str, ...]] = Counter()
        for gram, count in self._continuation.items():
            self._continuation_total[gram[:-1]] += count
            self._continuation_types[gram[:-1]] += 1

    def _require_fitted(self) -> None:
        if self._vocab is None:
            raise RuntimeError("the model is not fitted yet: call fit(sentences) first")

    def vocabulary(self) -> list[str]:
        """The vocabulary (pad symbols and ``UNK`` included), sorted."""
        self._require_fitted()
        return sorted(self._vocab)

    def lookup(self, word: str) -> str:
        """``word`` if it is in the vocabulary, else ``UNK``."""
        self._require_fitted()
        return word if word in self._vocab else UNK

    def counts(self) -> dict[tuple[str, ...], int]:
        """The training counts: ``{ngram_tuple: count}`` for every n-gram of
        orders 1..n with a positive count, after mapping rare words to ``UNK``."""
        self._require_fitted()
        return dict(self._counts)

    # ---- scoring -------------------------------------------------------------------------------

    def _context(self, context: Sequence[str]) -> tuple[str, ...]:
        if self.order == 1:
            return ()
        return tuple(self.lookup(w) for w in context)[-(self.order - 1) :]

    def score(self, word: str, context: Sequence[str] = ()) -> float:
        """The model's probability (a score, for stupid backoff) of ``word``
        after ``context``, as defined in the class docstring."""
        self._require_fitted()
        word, context = self.lookup(word), self._context(context)
        if self.smoothing == "mle":
            total = self._context_total[context]
            return self._counts[context + (word,)] / total if total else 0.0
        if self.smoothing in ("add_k", "laplace"):
            vocab_size = len(self._vocab)
            return (self._counts[context + (word,)] + self.k) / (self._context_total[context] + self.k * vocab_size)
        if self.smoothing == "kneser_ney":
            return self._kneser_ney(word, context)
        return self._stupid_backoff(word, context)

    def _kneser_ney(self, word: str, context: tuple[str, ...]) -> float:
        if not context:
            return self._continuation[(word,)] / self._continuation_total[()]
        lower = self._kneser_ney(word, context[1:])
        if len(context) == self.order - 1:
            count, total, types = self._counts[context + (word,)], self._context_total[context], self._context_types[context]
        else:
            count = self._continuation[context + (word,)]
            total, types = self._continuation_total[context], self._continuation_types[context]
        if self._context_total[context] == 0 or total == 0:
            return lower
        d = self.discount
        alpha = max(count - d, 0.0) / total
        gamma = d * types / total
        return alpha + gamma * lower

    def _stupid_backoff(self, word: str, context: tuple[str, ...]) -> float:
        count = self._counts[context + (word,)]
        if not context:
            return count / self._context_total[()]
        if count > 0:
            return count / self._context_total[context]
        return self.alpha * self._stupid_backoff(word, context[1:])

    def logscore(self, word: str, context: Sequence[str] = ()) -> float:
        """``log2(score(word, context))``; ``float('-inf')`` when the score is 0."""
        p = self.score(word, context)
        return math.log2(p) if p > 0 else -math.inf

    def distribution(self, context: Sequence[str] = ()) -> dict[str, float]:
        """``{word: score(word, context)}`` for every word of the vocabulary."""
        return {word: self.score(word, context) for word in self.vocabulary()}

    # ---- evaluation ----------------------------------------------------------------------------

    def entropy(self, sentences: Iterable[Sequence[str]]) -> float:
        """Cross-entropy in bits per n-gram of a test text.

        Pad every sentence (:func:`pad_sentence`), take all its n-grams of
        order exactly n (positions 0, 1, ...; none cross sentences), and return
        ``-(1/M) * sum of logscore(g[-1], g[:-1])`` over all M n-grams of all
        sentences (a mean over n-grams, not over sentences). Returns
        ``float('inf')`` if any n-gram has score 0. Raises ``ValueError`` if
        the sentences give no n-grams.
        """
        self._require_fitted()
        n = self.order
        grams = [
            tuple(padded[i : i + n])
            for padded in (pad_sentence(sentence, n) for sentence in sentences)
            for i in range(len(padded) - n + 1)
        ]
        if not grams:
            raise ValueError("the test text has no n-grams")
        logs = [self.logscore(gram[-1], gram[:-1]) for gram in grams]
        if -math.inf in logs:
            return math.inf
        return -math.fsum(logs) / len(logs)

    def perplexity(self, sentences: Iterable[Sequence[str]]) -> float:
        """``2 ** entropy(sentences)``; ``float('inf')`` if the entropy is infinite.
        (For stupid backoff the number is computed the same way but is not a
        true perplexity, since the scores are not probabilities.)"""
        return 2.0 ** self.entropy(sentences)

    # ---- generation ----------------------------------------------------------------------------

    def generate(self, num_words: int, context: Sequence[str] = (), seed: int = 0) -> list[str]:
        """Sample up to ``num_words`` words that continue a sentence.

        ``context`` holds the words of the sentence so far, without padding;
        the history starts as ``order - 1`` copies of ``BOS`` followed by
        ``context``. At each step the next word is drawn from the vocabulary
        with probabilities proportional to ``score(w, last order - 1 words of
        the history)`` (for the smoothed models these are the model
        probabilities; stupid backoff scores are normalised). The word is
        appended to the history and to the output; generation stops after
        ``num_words`` words or right after an ``EOS`` is drawn (that ``EOS``
        is the last element returned).

        All randomness comes from one ``random.Random(seed)`` created in this
        call: the same model, arguments and seed always give the same list,
        whatever the state of the global ``random`` module. Iterate over the
        vocabulary in sorted order so the result does not depend on set order.

        Raises ``ValueError`` if ``num_words < 0``, or if every word scores 0
        at some step (possible with "mle" after an unseen context).
        """
        self._require_fitted()
        if num_words < 0:
            raise ValueError(f"num_words must be >= 0, got {num_words}")
        rng = random.Random(seed)
        words = self.vocabulary()
        history = [BOS] * (self.order - 1) + list(context)
        generated: list[str] = []
        while len(generated) < num_words:
            context = history[len(history) - (self.order - 1) :]
            weights = [self.score(w, context) for w in words]
            if not math.fsum(weights) > 0:
                raise ValueError("every word has score 0 after this context")
            word = rng.choices(words, weights=weights)[0]
            generated.append(word)
            history.append(word)
            if word == EOS:
                break
        return generated
