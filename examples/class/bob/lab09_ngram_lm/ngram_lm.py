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
    raise NotImplementedError("TODO: implement pad_sentence (see the docstring)")


def everygrams(tokens: Sequence[str], max_order: int) -> list[tuple[str, ...]]:
    """All n-grams of ``tokens`` with lengths 1 to ``max_order``, as tuples.

    Ordered by start position, and for one start position by increasing
    length (the order of ``nltk.util.everygrams``). No padding is added here.

    >>> everygrams(["a", "b", "c"], 2)
    [('a',), ('a', 'b'), ('b',), ('b', 'c'), ('c',)]

    Raises ``ValueError`` if ``max_order`` is not an integer >= 1.
    """
    raise NotImplementedError("TODO: implement everygrams (see the docstring)")


def count_ngrams(sentences: Iterable[Sequence[str]], order: int) -> dict[tuple[str, ...], int]:
    """Count the n-grams of orders 1 to ``order`` of the padded sentences.

    Each sentence is padded with :func:`pad_sentence` and contributes its
    :func:`everygrams` up to ``order``; n-grams never cross sentence
    boundaries. Returns ``{ngram_tuple: count}`` with only positive counts.
    Words are counted as they are (no ``<UNK>`` mapping here).

    Raises ``ValueError`` if ``order`` is not an integer >= 1.
    """
    raise NotImplementedError("TODO: implement count_ngrams (see the docstring)")


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
        raise NotImplementedError("TODO: implement __init__ (see the docstring)")

    def fit(self, sentences: Iterable[Sequence[str]]) -> None:
        """Train on ``sentences`` (a list of sentences, each a list of words).

        Builds the vocabulary and the counts described in the class
        docstring; fitting again replaces the previous model. Returns None.
        Raises ``ValueError`` if there are no words to count (no sentences,
        or only empty sentences in an order-1 model).
        """
        raise NotImplementedError("TODO: implement fit (see the docstring)")

    def vocabulary(self) -> list[str]:
        """The vocabulary (pad symbols and ``UNK`` included), sorted."""
        raise NotImplementedError("TODO: implement vocabulary (see the docstring)")

    def lookup(self, word: str) -> str:
        """``word`` if it is in the vocabulary, else ``UNK``."""
        raise NotImplementedError("TODO: implement lookup (see the docstring)")

    def counts(self) -> dict[tuple[str, ...], int]:
        """The training counts: ``{ngram_tuple: count}`` for every n-gram of
        orders 1..n with a positive count, after mapping rare words to ``UNK``."""
        raise NotImplementedError("TODO: implement counts (see the docstring)")

    def score(self, word: str, context: Sequence[str] = ()) -> float:
        """The model's probability (a score, for stupid backoff) of ``word``
        after ``context``, as defined in the class docstring."""
        raise NotImplementedError("TODO: implement score (see the docstring)")

    def logscore(self, word: str, context: Sequence[str] = ()) -> float:
        """``log2(score(word, context))``; ``float('-inf')`` when the score is 0."""
        raise NotImplementedError("TODO: implement logscore (see the docstring)")

    def distribution(self, context: Sequence[str] = ()) -> dict[str, float]:
        """``{word: score(word, context)}`` for every word of the vocabulary."""
        raise NotImplementedError("TODO: implement distribution (see the docstring)")

    def entropy(self, sentences: Iterable[Sequence[str]]) -> float:
        """Cross-entropy in bits per n-gram of a test text.

        Pad every sentence (:func:`pad_sentence`), take all its n-grams of
        order exactly n (positions 0, 1, ...; none cross sentences), and return
        ``-(1/M) * sum of logscore(g[-1], g[:-1])`` over all M n-grams of all
        sentences (a mean over n-grams, not over sentences). Returns
        ``float('inf')`` if any n-gram has score 0. Raises ``ValueError`` if
        the sentences give no n-grams.
        """
        raise NotImplementedError("TODO: implement entropy (see the docstring)")

    def perplexity(self, sentences: Iterable[Sequence[str]]) -> float:
        """``2 ** entropy(sentences)``; ``float('inf')`` if the entropy is infinite.
        (For stupid backoff the number is computed the same way but is not a
        true perplexity, since the scores are not probabilities.)"""
        raise NotImplementedError("TODO: implement perplexity (see the docstring)")

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
        raise NotImplementedError("TODO: implement generate (see the docstring)")
