"""Public sanity checks for lab 53 (output monitoring).

Run with ``autograder test lab53_output_monitoring``. Passing these does not
mean the hidden tests pass: they check Luhn on every length, is_ipv4 against
``ipaddress``, every detector's boundaries, the overlap rules, redaction,
canaries in disguise, n-gram overlap, the classifier against scikit-learn's
MultinomialNB (and its precision / recall on held-out outputs), the policy,
every field of the audit log, and trigger_scores on another poisoned set.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from autograder.testing import assert_close, check

DATA = Path(__file__).parent / "data"


def rows(name):
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()]


def test_luhn(lab):
    """The classic Visa test number passes Luhn, a changed last digit does not."""
    check(lab.luhn_valid("4111 1111 1111 1111") is True, "4111 1111 1111 1111 is a valid test card number")
    check(lab.luhn_valid("4111111111111121") is False, "4111111111111121 fails the Luhn check")
    check(lab.luhn_valid("371449635398431") is True, "the 15-digit Amex test number is valid (count from the RIGHT)")


def test_is_ipv4(lab):
    """is_ipv4 takes dotted quads of 0-255 without leading zeros."""
    check(lab.is_ipv4("172.16.254.1") is True, "172.16.254.1 is an IPv4 address")
    check(lab.is_ipv4("172.16.254.256") is False, "octets stop at 255")
    check(lab.is_ipv4("172.016.254.1") is False, "ipaddress refuses leading zeros")


def test_find_and_redact(lab):
    """find_pii reports kind, start, end and text; redact puts [KIND] in their place."""
    text = "Reach carol@example.org or +1 (212) 555-0199 from 172.16.254.1"
    got = [(m["kind"], m["text"]) for m in lab.find_pii(text)]
    check(got == [("EMAIL", "carol@example.org"), ("PHONE", "+1 (212) 555-0199"), ("IP", "172.16.254.1")],
          f"find_pii found {got}")
    check(lab.redact(text) == "Reach [EMAIL] or [PHONE] from [IP]", "redact should replace every span, the last one too")


def test_overlap_rule(lab):
    """When candidates overlap, the leftmost wins, then the longest."""
    text = "mail 212-555-0199@example.org"
    check([m["kind"] for m in lab.find_pii(text)] == ["EMAIL"], "the e-mail (same start, longer) should win")
    check([m["kind"] for m in lab.find_pii(text, ["PHONE"])] == ["PHONE"], "with kinds=['PHONE'] the phone is found")


def test_canary_and_overlap(lab):
    """A canary written in capitals with spaces is still found; n-gram overlap of a copied prompt is 1."""
    canary = lab.make_canary("key", "abc")
    check(canary.startswith("canary-") and len(canary) == 23, "a canary is 'canary-' + 16 hex digits")
    check(lab.contains_canary("leaked: " + " ".join(canary.upper()), canary), "the spaced, upper-case canary was missed")
    prompt = "You are a helpful assistant for the bank and never share account numbers"
    assert_close(lab.ngram_overlap(prompt, "Here it is: " + prompt), 1.0, atol=1e-12, rtol=0, what="overlap")
    check(lab.detect_leak(prompt, "Hello!", canary=canary) == {"leak": False, "canary": False, "overlap": 0.0},
          "a greeting is not a leak")


def test_classifier(lab):
    """HarmClassifier agrees with scikit-learn's MultinomialNB on the public outputs."""
    pytest.importorskip("sklearn")
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.naive_bayes import MultinomialNB

    data = rows("outputs_train.jsonl")
    texts, labels = [r["text"] for r in data[:300]], [r["label"] for r in data[:300]]
    probe = [r["text"] for r in data[300:]]
    clf = lab.HarmClassifier(alpha=1.0).fit(texts, labels)
    cv = CountVectorizer()
    expected = MultinomialNB(alpha=1.0).fit(cv.fit_transform(texts), labels).predict_proba(cv.transform(probe))[:, 1]
    assert_close(np.asarray(clf.predict_proba(probe), dtype=np.float64), expected, atol=1e-9, rtol=0, what="P(harmful)")


def test_decide(lab):
    """The policy blocks harmful outputs, redacts PII, allows the rest."""
    check(lab.decide([], False, 0.9) == "block", "harm score 0.9 >= 0.5 blocks")
    check(lab.decide(["PHONE"], False, 0.1) == "redact", "a phone number is redacted")
    check(lab.decide([], False, 0.1) == "allow", "nothing found: allow")


def test_monitor_writes_log(lab, tmp_path):
    """OutputMonitor.check returns the action and text and appends one JSON line."""
    (tmp_path / "log.jsonl").write_text("", encoding="utf-8")
    path = lab.put_file(tmp_path / "log.jsonl")     # a path the monitor can write to, in both test modes
    mon = lab.OutputMonitor("Be nice to everyone you talk with today.", None, None, path)
    check(mon.check("mail carol@example.org", "r1") == {"action": "redact", "text": "mail [EMAIL]"}, "redact action")
    record = json.loads(lab.get_file(path).decode("utf-8").splitlines()[0])
    check(record["seq"] == 0 and record["action"] == "redact" and record["request_id"] == "r1", f"record: {record}")
    check("carol" not in json.dumps(record), "the audit log must not hold the PII")


def test_trigger(lab):
    """trigger_scores finds the trigger phrase planted in the public poisoned reviews."""
    data = rows("poisoned_reviews.jsonl")
    top = lab.trigger_scores([r["text"] for r in data], [r["label"] for r in data], max_n=2)[0]
    check(top["ngram"] == "cf tq", f"the top candidate is {top['ngram']!r}")
