"""Public sanity checks for lab 57 (sentiment analysis).

Run with ``autograder test lab57_sentiment``. Passing these does not mean the
hidden tests pass. The hidden tests check every lexicon rule on constructed
sentences whose scores follow from the docstrings (negation scope and its
boundaries, intensifier runs, caps, the first "but", the "!" cap, the
compound at huge and tiny scores), compare your scores with the rules on
random token sequences and on every course sentence, check the aspect rules
(clauses, nearest mention, ties, window), compare ``TfidfFeatures`` with
scikit-learn's ``TfidfVectorizer`` and ``fit_logistic_regression`` with its
``LogisticRegression``, and measure the accuracy of the lexicon and of the
classifier on held-out sentences written like ``data/train.jsonl``.

``test_public_accuracy`` prints both accuracies on the public sentences
(the classifier by 5-fold cross-validation).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from autograder.testing import check

DATA = Path(__file__).resolve().parent.parent / "data"


def test_tokenize_example(lab):
    """Words keep their case and inner apostrophes; each punctuation mark is a token."""
    got = lab.tokenize("Wasn’t it AWFUL?! 3 stars")
    check(list(got) == ["Wasn't", "it", "AWFUL", "?", "!", "stars"], f"tokenize gave {got}")


def test_negation_example(lab):
    """A negator reaches three words on, and a comma stops it sooner."""
    got = list(lab.negation_mask("never was the pizza hot".split()))
    check(got == [False, True, True, True, False], f"negation_mask gave {got}")
    got = list(lab.negation_mask("no , tasty".split()))
    check(got == [False, False, False], f"a comma ends the scope: negation_mask gave {got}")


def test_valences_example(lab):
    """'not so tasty' with tasty = 2.0: 2.0 * 1.25 (so) * -0.74 (not)."""
    got = lab.token_valences(["not", "so", "tasty"], {"tasty": 2.0})
    expected = [0.0, 0.0, 2.0 * 1.25 * -0.74]
    check(np.allclose(got, expected, atol=1e-12), f"token_valences gave {got}, expected {expected}")


def test_polarity_example(lab):
    """'Tasty but COLD!' with tasty = 2.0, cold = -0.8: but, caps and '!' together."""
    got = lab.polarity_scores("Tasty but COLD!", {"tasty": 2.0, "cold": -0.8})
    score = 2.0 * 0.5 + (-0.8 - 0.733) * 1.5
    score -= 0.292
    check(abs(got["score"] - score) < 1e-9, f"score {got['score']}, expected {score}")
    check(abs(got["compound"] - score / math.sqrt(score**2 + 15)) < 1e-9, "compound is score / sqrt(score^2 + 15)")
    check(got["label"] == "negative", f"label {got['label']}")


def test_aspect_example(lab):
    """Each opinion goes to the nearest aspect term of its clause."""
    terms = {"coffee": "drinks", "bread": "food"}
    got = lab.aspect_sentiment("Fresh bread, and the coffee was not tasty", {"fresh": 1.4, "tasty": 2.0}, terms)
    check(list(got) == ["food", "drinks"], f"aspects {list(got)}")
    check(abs(got["food"]["score"] - 1.4) < 1e-9, f"food {got['food']}")
    check(abs(got["drinks"]["score"] - 2.0 * -0.74) < 1e-9 and got["drinks"]["label"] == "negative",
          f"drinks {got['drinks']}")


def test_features_and_tfidf_shapes(lab):
    """Negation marks, then TF-IDF rows of unit L2 norm."""
    got = list(lab.sentiment_features("Didn't like it. Fine."))
    check(got == ["didn't", "like_NEG", "it_NEG", "fine"], f"sentiment_features gave {got}")
    feats = lab.TfidfFeatures().fit(["a nice room", "a noisy room", "nice"])
    matrix = np.asarray(feats.transform(["nice room", "unknown"]))
    check(matrix.shape == (2, 4), f"expected shape (2, 4) for a 4-word vocabulary, got {matrix.shape}")
    check(abs(np.linalg.norm(matrix[0]) - 1) < 1e-9 and not matrix[1].any(), "rows have unit norm; unknown words give 0")


def test_logistic_regression_gradient_is_zero(lab):
    """At the solution the gradient of 0.5||w||^2 + C * sum log-loss vanishes."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = (X[:, 0] + 0.3 * rng.normal(size=40) > 0).astype(int)
    w, b = lab.fit_logistic_regression(X, y, C=2.0)
    s = 2 * y - 1
    p = 1 / (1 + np.exp(s * (X @ w + b)))
    grad_w = w - 2.0 * X.T @ (s * p)
    grad_b = -2.0 * np.sum(s * p)
    check(np.abs(grad_w).max() < 1e-5 and abs(grad_b) < 1e-5, "the gradient is not ~0: the optimiser stopped early")


def test_public_accuracy(lab):
    """Lexicon and classifier accuracy on the public sentences (prints both; the hidden floors are on other text)."""
    rows = [json.loads(line) for line in (DATA / "train.jsonl").read_text(encoding="utf-8").splitlines() if line]
    lexicon = lab.load_lexicon(lab.put_file(str(DATA / "lexicon.tsv")))
    scores = lab.map(lab.polarity_scores, [(r["text"], lexicon) for r in rows])
    lexicon_accuracy = np.mean([s["label"] == r["label"] for s, r in zip(scores, rows)])
    right = 0
    for fold in range(5):
        train = [r for i, r in enumerate(rows) if i % 5 != fold]
        test = [r for i, r in enumerate(rows) if i % 5 == fold]
        clf = lab.SentimentClassifier().fit([r["text"] for r in train], [r["label"] for r in train])
        right += sum(p == r["label"] for p, r in zip(clf.predict([r["text"] for r in test]), test))
    print(f"\nlexicon accuracy {lexicon_accuracy:.3f}, classifier 5-fold accuracy {right / len(rows):.3f}")
    check(lexicon_accuracy >= 0.9, f"lexicon accuracy {lexicon_accuracy:.3f} on the public sentences (expected >= 0.9)")
    check(right / len(rows) >= 0.85, f"classifier accuracy {right / len(rows):.3f} (expected >= 0.85)")
