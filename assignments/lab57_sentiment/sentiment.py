"""Lab 57: sentiment analysis, three ways (your file: fill in every TODO).

- **Lexicon scoring** (VADER-like): :func:`tokenize`, :func:`load_lexicon`,
  :func:`negation_mask`, :func:`token_valences`, :func:`normalize_score`,
  :func:`label_from_compound` and :func:`polarity_scores`. Every rule and
  every amount is fixed by the docstrings and the constants below.
- **Machine learning**: :func:`sentiment_features` (lower-cased n-grams with
  negation marking), :class:`TfidfFeatures` (scikit-learn's TF-IDF formula),
  :func:`fit_logistic_regression` (L2-regularised, scikit-learn's objective)
  and :class:`SentimentClassifier`, which puts them together.
- **Aspect-based sentiment**: :func:`aspect_sentiment` (opinion words
  attached to the nearest aspect term of their clause).

The constants are part of the specification: use them, do not change them.
"""

from __future__ import annotations

import math  # noqa: F401  (you will need these)
import re  # noqa: F401
from collections import Counter  # noqa: F401
from collections.abc import Mapping, Sequence

import numpy as np
from scipy.optimize import minimize  # noqa: F401  (allowed: any optimiser works)

# ---- constants (part of the specification; do not change them) -----------------------------------

#: A token is a word (letters, with apostrophes only *inside* it: ``don't``, ``rock'n'roll``) or one
#: punctuation mark of :data:`PUNCTUATION`. Digits, ``_``, hyphens, emoji and the rest are skipped.
TOKEN_PATTERN = r"[^\W\d_]+(?:'[^\W\d_]+)*|[.,;:!?]"

#: Punctuation tokens: each ends a negation scope and a clause.
PUNCTUATION = frozenset(".,;:!?")

#: Words that open a negation scope (compared lower-cased). Any word ending in ``n't`` does too.
NEGATORS = frozenset({
    "not", "no", "never", "none", "nothing", "nobody", "nowhere", "neither", "nor", "cannot", "without",
    "dont", "doesnt", "didnt", "isnt", "wasnt", "arent", "werent", "cant", "couldnt", "wouldnt", "shouldnt",
    "wont", "havent", "hasnt", "hadnt", "aint",
})  # fmt: skip

#: Intensifiers (boosters and dampeners) and the factor each one multiplies the next valence by.
BOOSTERS = {
    "very": 1.3, "really": 1.3, "so": 1.25, "super": 1.3, "totally": 1.4, "extremely": 1.5,
    "incredibly": 1.5, "absolutely": 1.5, "quite": 1.1, "fairly": 0.9, "rather": 0.9,
    "somewhat": 0.7, "slightly": 0.6, "barely": 0.4,
}  # fmt: skip

#: A negator negates the next NEGATION_SCOPE word tokens (fewer if a clause boundary comes first).
NEGATION_SCOPE = 3
#: A negated valence is multiplied by this factor (it flips the sign and weakens it).
NEGATION_FACTOR = -0.74
#: With a "but" in the text: valences before the first "but" are multiplied by BUT_BEFORE, after it
#: by BUT_AFTER.
BUT_BEFORE = 0.5
BUT_AFTER = 1.5
#: An ALL-CAPS sentiment word in a mixed-case text moves this much further from zero.
CAPS_INCREMENT = 0.733
#: Each "!" (at most MAX_EXCLAMATIONS of them) moves the text's score this much further from zero.
EXCLAMATION_INCREMENT = 0.292
MAX_EXCLAMATIONS = 4
#: The compound score is score / sqrt(score**2 + ALPHA).
ALPHA = 15.0
#: compound >= THRESHOLD: "positive"; compound <= -THRESHOLD: "negative"; otherwise "neutral".
THRESHOLD = 0.05
#: Words that end a clause in :func:`aspect_sentiment` (compared lower-cased), besides punctuation.
CLAUSE_BREAKS = frozenset({"but", "and", "although", "though", "while", "whereas", "however", "yet"})
#: The classifier's labels: index 0 is the negative class (y = 0), index 1 the positive one (y = 1).
LABELS = ("negative", "positive")


# ---- lexicon scoring ------------------------------------------------------------------------------


def tokenize(text: str) -> list[str]:
    """Split ``text`` into word and punctuation tokens, keeping their case.

    The typographic apostrophe U+2019 (``’``) is first replaced by ``'``;
    then the tokens are the matches of :data:`TOKEN_PATTERN`, left to right
    (``re.findall``): words of Unicode letters with inner apostrophes, and
    single marks of :data:`PUNCTUATION` (``"!!"`` is two tokens). Everything
    else (spaces, digits, ``_``, ``-``, quotes around a word, emoji) is
    skipped. ``tokenize("I don’t LOVE it!!")`` is
    ``["I", "don't", "LOVE", "it", "!", "!"]``.

    Raises ``TypeError`` if ``text`` is not a ``str``.
    """
    raise NotImplementedError("TODO: tokenize")


def load_lexicon(path: str) -> dict[str, float]:
    """Read a sentiment lexicon from a UTF-8 text file of ``word<TAB>valence`` lines.

    Lines that are empty or only whitespace are skipped, and so are comment
    lines, whose first non-whitespace character is ``#``. Every other line
    (its line ending removed; ``\\n`` and ``\\r\\n`` both work) must split on
    tab characters into exactly two fields: the word (surrounding whitespace
    stripped, then lower-cased) and the valence (``float(field)``, which must
    be finite). Returns ``{word: valence}`` in file order.

    Raises ``ValueError`` naming the 1-based line number for a line without
    exactly two fields, an empty word, a valence that does not parse or is
    not finite (``nan``, ``inf``), and a word that appears twice (after
    lower-casing).
    """
    raise NotImplementedError("TODO: load_lexicon")


def negation_mask(tokens: Sequence[str]) -> list[bool]:
    """Which tokens lie in a negation scope: one bool per token.

    A *negator* is a token whose lower-cased form is in :data:`NEGATORS` or
    ends in ``n't``. It negates the :data:`NEGATION_SCOPE` tokens after it,
    and fewer if a *boundary* comes first: a :data:`PUNCTUATION` token or the
    word ``but`` (any case) ends every open scope. Precisely, token ``i`` is
    negated iff some negator at position ``j < i`` has ``i - j <=
    NEGATION_SCOPE`` and no boundary at a position in ``(j, i]``. Boundaries
    are never negated; negators, intensifiers and other words are counted
    and marked like any word (``not not good``: the second ``not`` and
    ``good`` are negated; a negator inside a scope starts a new scope of its
    own, it does not cancel the first).

    ``["not", "very", "good", "food", "at", "all"]`` gives
    ``[False, True, True, True, False, False]``.
    """
    raise NotImplementedError("TODO: negation_mask")


def token_valences(tokens: Sequence[str], lexicon: Mapping[str, float]) -> list[float]:
    """The valence each token contributes to the text's score: one float per token.

    A token carries valence only if its lower-cased form is a key of
    ``lexicon`` (keys are lower-case) and it is not a punctuation token, not
    ``but``, not a negator and not a key of :data:`BOOSTERS` (those carry no
    valence even when the lexicon lists them); every other token gives
    ``0.0``. For a sentiment token at position ``i`` with lexicon value
    ``v``, apply in this order:

    1. **caps**: if the token is in capitals (``token.isupper()``) and the
       sequence is *mixed-case* (at least one token that is not punctuation
       is not ``isupper()``), ``v = v + sign(v) * CAPS_INCREMENT``
       (``sign(0) = 0``);
    2. **intensifiers**: for each token of the run of :data:`BOOSTERS`
       (lower-cased) directly before position ``i`` (``so very good``: both),
       ``v = v * BOOSTERS[word]``;
    3. **negation**: if ``negation_mask(tokens)[i]``, ``v = v * NEGATION_FACTOR``;
    4. **but**: if any token is ``but`` (any case), ``v = v * BUT_BEFORE``
       when ``i`` is before the first ``but`` and ``v = v * BUT_AFTER``
       when it is after it.

    The ``!`` emphasis is not applied here (see :func:`polarity_scores`).
    With the lexicon ``{"good": 2.0}``, ``["The", "food", "is", "not",
    "very", "GOOD", "but", "ok"]`` gives ``0.0`` everywhere except at
    ``GOOD``: ``(2.0 + 0.733) * 1.3 * -0.74 * 0.5``.
    """
    raise NotImplementedError("TODO: token_valences")


def normalize_score(score: float, alpha: float = ALPHA) -> float:
    """The compound score ``score / sqrt(score**2 + alpha)``, in ``[-1, 1]``.

    ``0.0`` for a score of 0; ``+1.0`` / ``-1.0`` for ``+inf`` / ``-inf``.
    It must stay right for every finite score, however large or small
    (``1e200``, ``-1e-200``): ``score**2`` must not overflow to ``inf`` or
    underflow to 0 on the way (``math.hypot`` helps). Returns a ``float``.

    Raises ``ValueError`` if ``score`` is NaN or ``alpha`` is not a finite
    number > 0.
    """
    raise NotImplementedError("TODO: normalize_score")


def label_from_compound(compound: float, threshold: float = THRESHOLD) -> str:
    """``"positive"`` if ``compound >= threshold``, ``"negative"`` if ``compound <= -threshold``,
    else ``"neutral"`` (both boundaries are inclusive).

    Raises ``ValueError`` unless ``0 < threshold <= 1``.
    """
    raise NotImplementedError("TODO: label_from_compound")


def polarity_scores(text: str, lexicon: Mapping[str, float]) -> dict:
    """Score ``text`` with the lexicon rules.

    ``score`` is the sum of :func:`token_valences` over ``tokenize(text)``;
    then, if the sum is not 0, the **emphasis** of ``k = min(number of "!"
    tokens, MAX_EXCLAMATIONS)`` moves it away from zero: ``score = score +
    sign(score) * k * EXCLAMATION_INCREMENT`` (a score of 0 stays 0).
    Returns ``{"score": score, "compound": normalize_score(score), "label":
    label_from_compound(compound)}`` (floats and a str). The empty text
    scores ``{"score": 0.0, "compound": 0.0, "label": "neutral"}``.

    Raises ``TypeError`` if ``text`` is not a ``str``.
    """
    raise NotImplementedError("TODO: polarity_scores")


# ---- aspect-based sentiment -----------------------------------------------------------------------


def aspect_sentiment(
    text: str, lexicon: Mapping[str, float], aspect_terms: Mapping[str, str], *, window: int = 5
) -> dict[str, dict]:
    """Sentiment towards each aspect mentioned in ``text``.

    ``aspect_terms`` maps a lower-case word (``"battery"``, ``"screen"``,
    ``"waiter"``) to its aspect category (``"battery"``, ``"display"``,
    ``"service"``). The rules:

    1. ``tokenize(text)`` is cut into **clauses** at every punctuation token
       and every word of :data:`CLAUSE_BREAKS` (lower-cased); the cutting
       tokens belong to no clause.
    2. Each clause is scored on its own: ``token_valences(clause, lexicon)``
       (so negation, intensifiers and caps act inside the clause; the caps
       rule looks at the clause's case).
    3. A *mention* is a token of the clause whose lower-cased form is a key
       of ``aspect_terms``. An *opinion* is a token with a non-zero valence
       that is not a mention (an aspect term is never an opinion, even if
       the lexicon lists it).
    4. Each opinion goes to the **nearest** mention of its clause at most
       ``window`` tokens away (distance = difference of positions in the
       clause); on a tie, to the earlier mention. An opinion with no
       mention that near is ignored.
    5. An aspect's ``score`` is the sum of the valences its mentions
       received, over the whole text; ``compound = normalize_score(score)``
       and ``label = label_from_compound(compound)``. The ``!`` emphasis is
       not applied.

    Returns ``{category: {"score": float, "compound": float, "label": str}}``
    with one entry per category mentioned at least once (score ``0.0`` and
    label ``"neutral"`` if no opinion reached it), in the order of the
    categories' first mentions. ``"The screen is great but the battery
    died"`` with ``{"great": 3.0}`` gives ``{"display": score 3.0, "battery":
    score 0.0}``.

    Raises ``TypeError`` if ``text`` is not a ``str`` and ``ValueError`` if
    ``window`` is not an ``int`` >= 1.
    """
    raise NotImplementedError("TODO: aspect_sentiment")


# ---- features and TF-IDF --------------------------------------------------------------------------


def sentiment_features(text: str, *, ngram_range: tuple[int, int] = (1, 1), negation: bool = True) -> list[str]:
    """The n-gram features of ``text`` for the classifier.

    1. ``tokens = tokenize(text)``;
    2. each token is lower-cased, and if ``negation`` is true and
       ``negation_mask(tokens)`` marks it, ``"_NEG"`` is appended
       (``"not good food"`` gives ``not``, ``good_NEG``, ``food_NEG``);
    3. punctuation tokens are then dropped (after the mask: they still end
       scopes);
    4. the n-grams for each ``n`` from ``min_n`` to ``max_n`` are the words
       ``w[i:i+n]`` joined by one space, all n-grams of size ``min_n`` left
       to right first, then size ``min_n + 1``, and so on (repeats kept).

    Raises ``ValueError`` unless ``ngram_range`` is a pair of ints with
    ``1 <= min_n <= max_n``; ``TypeError`` if ``text`` is not a ``str``.
    """
    raise NotImplementedError("TODO: sentiment_features")


class TfidfFeatures:
    """TF-IDF vectors of :func:`sentiment_features`, with scikit-learn's ``TfidfVectorizer`` formula.

    ``TfidfFeatures(ngram_range=..., negation=..., min_df=m, sublinear_tf=s,
    smooth_idf=t, norm=p)`` gives the same matrices as scikit-learn's
    ``TfidfVectorizer(analyzer=lambda text: sentiment_features(text,
    ngram_range=..., negation=...), min_df=m, sublinear_tf=s, smooth_idf=t,
    norm=p)``:

    - vocabulary: the features found in at least ``min_df`` of the fitted
      texts (document frequency ``df``), sorted (Python string order); the
      column of a feature is its rank;
    - ``idf = ln((1 + n) / (1 + df)) + 1`` with ``smooth_idf``, else
      ``ln(n / df) + 1`` (``n`` = number of fitted texts);
    - the term frequency ``tf`` is the count of a feature in the text, or
      ``1 + ln(tf)`` (for ``tf > 0``) with ``sublinear_tf``;
    - each row ``tf * idf`` is divided by its L2 norm (``norm="l2"``), its
      L1 norm (``"l1"``), or left as it is (``None``); an all-zero row stays
      zero. Features outside the vocabulary are ignored.

    Raises ``ValueError`` (in the constructor) for a bad ``ngram_range``, a
    ``min_df`` that is not an int >= 1, or a ``norm`` other than ``"l2"``,
    ``"l1"``, ``None``.
    """

    def __init__(
        self,
        *,
        ngram_range: tuple[int, int] = (1, 1),
        negation: bool = True,
        min_df: int = 1,
        sublinear_tf: bool = True,
        smooth_idf: bool = True,
        norm: str | None = "l2",
    ) -> None:
        raise NotImplementedError("TODO: TfidfFeatures.__init__")

    def fit(self, texts: Sequence[str]) -> TfidfFeatures:
        """Learn the vocabulary and ``idf_`` from ``texts`` (a non-empty list of str); returns ``self``.

        Fitting again forgets the previous fit. Sets ``vocabulary_`` (dict
        feature -> column) and ``idf_`` (float64 array, one value per
        column). Raises ``ValueError`` if ``texts`` is empty or no feature
        reaches ``min_df``.
        """
        raise NotImplementedError("TODO: TfidfFeatures.fit")

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """The TF-IDF matrix of ``texts``: float64, shape ``(len(texts), len(vocabulary_))``.

        Raises ``RuntimeError`` if called before :meth:`fit`.
        """
        raise NotImplementedError("TODO: TfidfFeatures.transform")

    def fit_transform(self, texts: Sequence[str]) -> np.ndarray:
        """``fit(texts)`` then ``transform(texts)``."""
        raise NotImplementedError("TODO: TfidfFeatures.fit_transform")


# ---- logistic regression --------------------------------------------------------------------------


def fit_logistic_regression(X: np.ndarray, y: np.ndarray, *, C: float = 1.0) -> tuple[np.ndarray, float]:
    """Binary logistic regression with an L2 penalty: scikit-learn's objective.

    With ``s_i = 2 y_i - 1`` (labels ``0/1`` become ``-1/+1``), find the
    ``w`` (shape ``(d,)``) and ``b`` that minimise

        ``0.5 * ||w||^2 + C * sum_i log(1 + exp(-s_i * (X_i . w + b)))``

    (the intercept ``b`` is not penalised). This is what
    ``sklearn.linear_model.LogisticRegression(C=C)`` minimises; the function
    is strictly convex, so the minimiser is unique and any good optimiser
    finds it (gradient descent, Newton, ``scipy.optimize.minimize``):
    converge until the gradient is below ``1e-6`` in every coordinate. Take
    care that large margins (features of magnitude ``1e3``) neither overflow
    ``exp`` nor lose the loss (``np.logaddexp``).

    ``X``: a 2-D array-like of floats, shape ``(n, d)``; ``y``: ``n`` labels,
    each 0 or 1 (ints, floats or bools). Returns ``(coef, intercept)``:
    ``coef`` a float64 array of shape ``(d,)``, ``intercept`` a ``float``.

    Raises ``ValueError`` if ``X`` is not 2-D, ``len(y) != n``, a label is
    not 0 or 1, only one class is present, or ``C`` is not a finite number
    > 0.
    """
    raise NotImplementedError("TODO: fit_logistic_regression")


# ---- the classifier -------------------------------------------------------------------------------


class SentimentClassifier:
    """TF-IDF features and logistic regression for ``"negative"`` / ``"positive"`` texts.

    ``fit`` builds ``TfidfFeatures(ngram_range=ngram_range,
    negation=negation, min_df=min_df, sublinear_tf=sublinear_tf,
    smooth_idf=True, norm="l2")``, fits it on the texts, and fits
    :func:`fit_logistic_regression` on the matrix with ``y = 1`` for
    ``"positive"`` and ``0`` for ``"negative"`` (:data:`LABELS`). The same
    pipeline in scikit-learn (``TfidfVectorizer`` with the analyzer above,
    then ``LogisticRegression(C=C)``) gives the same probabilities.

    The constructor raises ``ValueError`` for a ``C`` that is not a finite
    number > 0, and as :class:`TfidfFeatures` does for the other options.
    """

    def __init__(
        self,
        *,
        C: float = 10.0,
        ngram_range: tuple[int, int] = (1, 1),
        negation: bool = True,
        min_df: int = 1,
        sublinear_tf: bool = True,
    ) -> None:
        raise NotImplementedError("TODO: SentimentClassifier.__init__")

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> SentimentClassifier:
        """Fit on ``texts`` and their ``labels`` (each ``"negative"`` or ``"positive"``); returns ``self``.

        Fitting again starts afresh (new vocabulary, new weights). Raises
        ``ValueError`` if the lengths differ, a label is not one of
        :data:`LABELS`, or only one label is present.
        """
        raise NotImplementedError("TODO: SentimentClassifier.fit")

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """``X @ coef_ + intercept_`` for the TF-IDF matrix ``X`` of ``texts``: float64, shape ``(len(texts),)``.

        Raises ``RuntimeError`` if called before :meth:`fit`.
        """
        raise NotImplementedError("TODO: SentimentClassifier.decision_function")

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """The probability that each text is positive, ``1 / (1 + exp(-decision))``: float64, shape ``(len(texts),)``."""
        raise NotImplementedError("TODO: SentimentClassifier.predict_proba")

    def predict(self, texts: Sequence[str]) -> list[str]:
        """``"positive"`` where the decision function is > 0, else ``"negative"``: a list of str."""
        raise NotImplementedError("TODO: SentimentClassifier.predict")
